#!/usr/bin/python3
"""A full disk under the journal, black-box (issue #12): `factord serve` keeps its --data-dir
on a small tmpfs (mounted by this test: it needs root, as CI and scripts/setup have), and
the test fills that filesystem while a caller keeps submitting. What must hold:

- every 202 names a job that is in the journal: after the disk has room again and the
  process is killed with kill -9, each acknowledged job is still there, and its
  Idempotency-Key still names it;
- a submission the journal could not take is a 503 `journal_unavailable` with Retry-After,
  and nothing of it remains: its key creates a new job later;
- no answer tells of a state that is not committed (a GET is 200 or that 503, never a 5xx
  of another kind), the process stays up, and it recovers by itself once there is room.
"""

import contextlib
import errno
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "serve"))
from harness import Server, Suite, random_prime  # noqa: E402

suite = Suite("abuse-full-disk")

DISK_BYTES = 8 << 20  # the tmpfs under --data-dir
MAX_SUBMISSIONS = 20000  # bound on the loop that waits for the journal to run out of room
NUMBERS = ["91", "1001", "3599", "10403", "65535", "999919"]


@contextlib.contextmanager
def small_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%d" % size, "tmpfs", path],
                          capture_output=True, text=True)
    assert done.returncode == 0, (
        "cannot mount a %d-byte tmpfs at %s (this test needs root and CAP_SYS_ADMIN): %s"
        % (size, path, done.stderr.strip()))
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", path], capture_output=True)


def fill(path):
    """Writes a file until the filesystem says ENOSPC; returns its path."""
    filler = os.path.join(path, "filler")
    chunk = b"\0" * 65536
    with open(filler, "wb", buffering=0) as f:
        with contextlib.suppress(OSError):
            while True:
                f.write(chunk)
        # Byte by byte at the end: not even a page left.
        with contextlib.suppress(OSError):
            while True:
                f.write(b"\0" * 512)
    try:
        with open(os.path.join(path, "probe"), "wb") as probe:
            probe.write(b"x" * 4096)
            probe.flush()
            os.fsync(probe.fileno())
        raise AssertionError("the tmpfs still takes writes after filling it")
    except OSError as e:
        assert e.errno == errno.ENOSPC, e
    return filler


def is_journal_unavailable(r):
    if r.status != 503:
        return False
    err = r.json().get("error", {})
    return err.get("code") == "journal_unavailable"


@suite.test
def a_full_disk_refuses_honestly_and_loses_no_accepted_job(ctx):
    mount = os.path.join(ctx.tmp, "disk")
    with small_tmpfs(mount, DISK_BYTES):
        data = os.path.join(mount, "data")
        srv = Server(ctx, workers=2, data_dir=data).start()
        try:
            http = srv.http()
            acked = {}  # Idempotency-Key -> request id, for every 202
            # Hours of ECM: running on one worker for the whole test, to be cancelled while full.
            rng = random.Random(12)
            long_rid = http.submit(str(random_prime(145, rng) * random_prime(145, rng)), "long")
            refused = []  # keys answered 503 journal_unavailable
            for i in range(50):  # some history before the disk fills
                key = "before-%d" % i
                acked[key] = http.submit(NUMBERS[i % len(NUMBERS)], "filler", key=key)
            filler = fill(mount)

            # Keep submitting until the journal cannot grow any more: SQLite first reuses the
            # pages it has, so the refusals start once the WAL and the database must grow.
            consecutive = 0
            for i in range(MAX_SUBMISSIONS):
                key = "full-%d" % i
                r = http.post_job(NUMBERS[i % len(NUMBERS)], "filler", key=key)
                if r.status == 202:
                    acked[key] = r.json()["request_id"]
                    consecutive = 0
                    continue
                assert is_journal_unavailable(r), "a full disk must answer 503 journal_unavailable: %r" % r
                assert r.header("Retry-After") == "1", r
                assert "nothing was accepted" in r.json()["error"]["message"], r
                refused.append(key)
                consecutive += 1
                if consecutive >= 5:
                    break
            assert consecutive >= 5, ("%d submissions on a full %d-byte disk and the journal never "
                                      "refused one" % (MAX_SUBMISSIONS, DISK_BYTES))

            # While full: a GET is the committed state or the same 503, the process lives, and
            # a DELETE is not answered `cancelled` unless that is committed.
            sample = list(acked.values())[-20:]
            for rid in sample:
                r = http.get_job(rid)
                assert r.status == 200 or is_journal_unavailable(r), r
            r = http.post_job("91", "filler", key="while-full-%d" % time.time_ns())
            assert is_journal_unavailable(r), r
            # The cancel cannot be committed, so it is not acknowledged; nor is it shown.
            r = http.delete_job(long_rid)
            assert is_journal_unavailable(r), "DELETE on a full disk: %r" % r
            assert "not durable" in r.json()["error"]["message"], r
            r = http.get_job(long_rid)
            assert is_journal_unavailable(r) or r.json()["status"] == "running", r
            assert srv.alive()
            assert any(e.get("event") == "journal_commit_failed" for e in srv.log_events())

            # Room again: the server recovers without a restart (its retry timer commits the
            # held states), and a new submission is accepted.
            os.unlink(filler)
            deadline = time.monotonic() + 10
            while True:
                r = http.post_job("91", "filler", key="after")
                if r.status == 202:
                    acked["after"] = r.json()["request_id"]
                    break
                assert is_journal_unavailable(r), r
                assert time.monotonic() < deadline, "still refusing 10 s after the disk had room"
                time.sleep(0.2)
            for rid in sample:
                assert http.get_job(rid).status == 200
            # The cancel that was answered 503 is committed by the retry, without a new DELETE.
            assert http.get_job(long_rid).json()["status"] == "cancelled"

            # The proof: kill -9 and read everything back from the journal.
            srv.kill9()
            srv.restart()
            http = srv.http()
            lost = []
            for key, rid in acked.items():
                r = http.get_job(rid)
                if r.status != 200:
                    lost.append((key, rid, r.status))
                    continue
                again = http.post_job("91", "filler", key=key)
                assert again.status == 200 and again.json()["request_id"] == rid, (key, again)
            assert not lost, "acknowledged jobs missing after the restart: %r" % lost[:5]
            for key in refused[:20]:
                r = http.post_job("91", "filler", key=key)
                assert r.status == 202, "a refused submission left something behind (%s): %r" % (key, r)
            print("  %d acknowledged, %d refused while the disk was full; none lost"
                  % (len(acked), len(refused)))
        finally:
            if srv.alive():
                srv.kill9()


if __name__ == "__main__":
    suite.main()
