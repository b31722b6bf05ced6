#!/usr/bin/python3
"""Mints the JWTs that tests/net/auth/jwt_test.cpp verifies, with real external tools:
PyJWT (Debian python3-jwt) for the tokens, `openssl genpkey` / `openssl pkey -pubout` for
the keys. Run once; its output is committed, so CI needs neither PyJWT nor openssl:

    /usr/bin/python3 tests/net/auth/make_jwt_vectors.py

Writes, next to this script: jwt_vectors.json (the tokens, the HS256 secrets and the fixed
`now` the tests verify at, so nothing expires in CI) and keys/*.pem (public keys, plus the
odd keys load_jwt_keys must refuse). The private keys that signed the RS256/ES256 tokens
live in a temporary directory and are deleted: nobody can mint more tokens for these keys.
Re-running changes every RSA/EC signature (new keys, and ECDSA is randomized); the tests
do not depend on any signature's bytes.
"""

import base64
import json
import pathlib
import subprocess
import tempfile

import jwt
from jwt.algorithms import HMACAlgorithm

HERE = pathlib.Path(__file__).resolve().parent
KEYS = HERE / "keys"

NOW = 1_800_000_000  # 2027-01-15T08:00:00Z; the tests pass this as `now`
LEEWAY = 30          # jwt_keys' default leeway, seconds
SECRET = "factord-test-hs256-secret-0123456789abcdef"   # 42 bytes
OTHER_SECRET = "another-hs256-secret-that-factord-does-not-know"


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_key(tmp, name, *genpkey_args):
    """A fresh private key in tmp/ and its public half in keys/NAME.pem."""
    private = tmp / f"{name}.key"
    openssl("genpkey", *genpkey_args, "-out", str(private))
    public = KEYS / f"{name}.pem"
    openssl("pkey", "-in", str(private), "-pubout", "-out", str(public))
    return private.read_bytes(), public.read_bytes()


class RawHmac(HMACAlgorithm):
    """HS256 that takes any bytes as its secret. PyJWT refuses a PEM public key as an HMAC
    secret (the very confusion the test is about), so the attacker's token is minted with
    this: PyJWT still builds and signs the token, only its key check is skipped."""

    def prepare_key(self, key):
        return key if isinstance(key, bytes) else key.encode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**extra):
    c = {"sub": "alice", "iat": NOW - 60, "exp": NOW + 3600}
    c.update(extra)
    return {k: v for k, v in c.items() if v is not None}


def hs(payload, secret=SECRET, headers=None):
    return jwt.encode(payload, secret, algorithm="HS256", headers=headers)


def padded_to(length):
    """A valid HS256 token of exactly `length` characters (a "pad" claim fills it)."""
    for pad in range(length):
        token = hs(claims(pad="x" * pad))
        if len(token) == length:
            return token
    raise ValueError(f"no HS256 token of exactly {length} characters")


def main():
    KEYS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = pathlib.Path(tmp_name)
        rsa_private, rsa_public = make_key(tmp, "rsa2048", "-algorithm", "RSA",
                                           "-pkeyopt", "rsa_keygen_bits:2048")
        ec_private, ec_public = make_key(tmp, "ec_p256", "-algorithm", "EC",
                                         "-pkeyopt", "ec_paramgen_curve:P-256")
        # Keys that signed none of the tokens: a valid signature by another key.
        make_key(tmp, "rsa2048_other", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
        make_key(tmp, "ec_p256_other", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
        # Keys load_jwt_keys must refuse, with the reason in its message.
        make_key(tmp, "rsa1024", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024")
        make_key(tmp, "ec_p384", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384")
        make_key(tmp, "ed25519", "-algorithm", "ED25519")
        # A private key given where the public one belongs (a common mistake). Throwaway:
        # it signs none of the tokens below.
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", str(KEYS / "ec_p256_private_throwaway.pem"))

        # A PyJWS whose HS256 takes any bytes as its secret (see RawHmac).
        confused = jwt.PyJWS()
        confused.unregister_algorithm("HS256")
        confused.register_algorithm("HS256", RawHmac(RawHmac.SHA256))
        jws = jwt.PyJWS()

        def raw_hs256(payload: bytes, secret: bytes):
            return confused.encode(payload, secret, algorithm="HS256")

        limits = {"weight": 5, "rate": 2.5, "burst": 10, "max_queued": 20,
                  "max_digits": 300, "admin": True}
        bad_limits = {
            "weight_zero": {"weight": 0},
            "weight_101": {"weight": 101},
            "weight_string": {"weight": "5"},
            "weight_fraction": {"weight": 2.5},
            "rate_zero": {"rate": 0},
            "rate_negative": {"rate": -1.5},
            "rate_string": {"rate": "fast"},
            "burst_zero": {"burst": 0},
            "burst_negative": {"burst": -3},
            "max_queued_zero": {"max_queued": 0},
            "max_queued_fraction": {"max_queued": 1.5},
            "max_digits_zero": {"max_digits": 0},
            "max_digits_10001": {"max_digits": 10001},
            "admin_string": {"admin": "yes"},
            "admin_number": {"admin": 1},
            "unknown_field": {"wieght": 5},
        }

        tokens = {
            "hs256_valid": hs(claims()),
            "hs256_no_exp": hs(claims(sub="bob", exp=None)),
            "rs256_valid": jwt.encode(claims(sub="carol"), rsa_private, algorithm="RS256"),
            "es256_valid": jwt.encode(claims(sub="dave"), ec_private, algorithm="ES256"),
            "hs256_expired": hs(claims(exp=NOW - LEEWAY - 1)),
            "hs256_expired_within_leeway": hs(claims(exp=NOW - LEEWAY + 1)),
            "hs256_expires_exactly_at_leeway": hs(claims(exp=NOW - LEEWAY)),
            "hs256_not_yet_valid": hs(claims(nbf=NOW + LEEWAY + 1)),
            "hs256_not_yet_valid_within_leeway": hs(claims(nbf=NOW + LEEWAY - 1)),
            "hs256_other_secret": hs(claims(), secret=OTHER_SECRET),
            "alg_none": jwt.encode(claims(), None, algorithm="none"),
            "hs512": jwt.encode(claims(), SECRET, algorithm="HS512"),
            "rs384": jwt.encode(claims(), rsa_private, algorithm="RS384"),
            # The classic confusion: HS256 keyed with the server's public key PEM.
            "hs256_keyed_with_rsa_public_pem": raw_hs256(
                json.dumps(claims(sub="mallory")).encode(), rsa_public),
            "hs256_keyed_with_ec_public_pem": raw_hs256(
                json.dumps(claims(sub="mallory")).encode(), ec_public),
            "hs256_no_sub": hs(claims(sub=None)),
            "hs256_empty_sub": hs(claims(sub="")),
            "hs256_sub_number": hs(claims(sub=42)),
            "hs256_sub_control_char": hs(claims(sub="ali\x07ce")),
            "hs256_sub_newline": hs(claims(sub="alice\nadmin")),
            "hs256_sub_128": hs(claims(sub="a" * 128)),
            "hs256_sub_129": hs(claims(sub="a" * 129)),
            "hs256_sub_utf8": hs(claims(sub="zoë-東京")),
            "hs256_exp_string": hs(claims(exp="tomorrow")),
            "hs256_exp_fraction": hs(claims(exp=NOW + 0.5)),
            "hs256_nbf_string": hs(claims(nbf="now")),
            "hs256_typ_at_jwt": hs(claims(), headers={"typ": "at+jwt"}),
            "hs256_crit": hs(claims(), headers={"crit": ["exp"]}),
            "hs256_8192_bytes": padded_to(8192),
            "hs256_8193_bytes": padded_to(8193),
            "hs256_limits": hs(claims(factord=limits)),
            "hs256_limits_empty": hs(claims(factord={})),
            "hs256_limits_not_object": hs(claims(factord=5)),
            # Signed correctly, but what is signed is not a JSON object.
            "hs256_payload_not_json": jws.encode(b"{\"sub\": \"alice\"", SECRET.encode(),
                                                 algorithm="HS256"),
            "hs256_payload_array": jws.encode(b"[\"alice\"]", SECRET.encode(),
                                              algorithm="HS256"),
            # Unsigned garbage: a real header, a payload that is not JSON, any signature.
            "header_with_garbage_payload": "{}.{}.{}".format(
                b64url(b'{"alg":"HS256","typ":"JWT"}'), b64url(b"not json at all"),
                b64url(b"x" * 32)),
        }
        for name, fields in bad_limits.items():
            tokens[f"hs256_limits_{name}"] = hs(claims(factord=fields))

    out = {
        "comment": "Generated by make_jwt_vectors.py (PyJWT %s); do not edit." % jwt.__version__,
        "now": NOW,
        "leeway": LEEWAY,
        "secret": SECRET,
        "other_secret": OTHER_SECRET,
        "tokens": tokens,
    }
    (HERE / "jwt_vectors.json").write_text(json.dumps(out, indent=2, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
