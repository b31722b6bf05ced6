// What authentication costs per request (--auth on): authenticator::authenticate() for each
// kind of credential, single-threaded, against the bearer-header parse alone. The tokens are
// the committed test vectors (minted by PyJWT, tests/net/auth/make_jwt_vectors.py), checked
// at the vectors' fixed `now`, so nothing here expires. Prints one table row per kind.
//   factord-auth-bench VECTORS_DIR [SECONDS_PER_ROW]
#include "net/auth/authenticator.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
using factord::auth::authenticator;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "auth-bench: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Calls `fn` for about `seconds`; the mean cost of one call in nanoseconds.
template <class F>
double time_per_call(double seconds, F&& fn) {
  std::size_t calls = 0;
  auto start = clock_type::now();
  auto until = start + std::chrono::duration<double>(seconds);
  while (clock_type::now() < until) {
    for (int i = 0; i < 64; ++i) fn();
    calls += 64;
  }
  return std::chrono::duration<double, std::nano>(clock_type::now() - start).count() /
         static_cast<double>(calls);
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: factord-auth-bench VECTORS_DIR [SECONDS_PER_ROW]\n");
    return 2;
  }
  std::string dir = argv[1];
  double seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
  auto vectors = nlohmann::json::parse(read_file(dir + "/jwt_vectors.json"));
  auto now = std::chrono::system_clock::time_point{std::chrono::seconds{vectors["now"].get<long long>()}};

  // 1,000 API keys in the table: a lookup is one SHA-256 and one hash-map probe.
  char keys_path[] = "/tmp/factord-auth-bench-XXXXXX";
  int fd = ::mkstemp(keys_path);
  if (fd < 0) return 2;
  ::close(fd);
  ::unlink(keys_path);
  std::string api_key;
  for (int i = 0; i < 1000; ++i) {
    auto key = factord::auth::add_key(keys_path, "caller-" + std::to_string(i), false);
    if (!key) {
      std::fprintf(stderr, "auth-bench: %s\n", key.message().c_str());
      return 2;
    }
    if (i == 500) api_key = *key;
  }

  struct row {
    const char* kind;
    std::string public_key_file;
    std::string token;
  };
  std::vector<row> rows = {
      {"API key (1,000 in the table)", "", api_key},
      {"JWT HS256", "", vectors["tokens"]["hs256_valid"]},
      {"JWT RS256 (RSA 2048)", dir + "/keys/rsa2048.pem", vectors["tokens"]["rs256_valid"]},
      {"JWT ES256 (P-256)", dir + "/keys/ec_p256.pem", vectors["tokens"]["es256_valid"]},
  };

  std::string header = "Bearer " + api_key;
  double baseline = time_per_call(seconds, [&] {
    volatile auto t = factord::auth::bearer_token(header);
    (void)t;
  });
  std::printf("| credential | ns per request | requests/s on one core |\n|---|--:|--:|\n");
  std::printf("| none (Authorization header parse only) | %.0f | %.0f |\n", baseline, 1e9 / baseline);
  auto print_row = [](const std::string& kind, double ns) {
    std::printf("| %s | %.0f | %.0f |\n", kind.c_str(), ns, 1e9 / ns);
  };
  for (const auto& r : rows) {
    factord::config::settings s;
    s.auth = factord::config::auth_mode::on;
    s.auth_keys = keys_path;
    s.auth_jwt_secret = vectors["secret"].get<std::string>();
    s.auth_jwt_public_key = r.public_key_file;
    auto made = authenticator::create(s);
    if (!made) {
      std::fprintf(stderr, "auth-bench: %s\n", made.message().c_str());
      return 2;
    }
    const auto& a = *made.value();
    if (!a.authenticate(r.token, now)) {
      std::fprintf(stderr, "auth-bench: %s was refused: %s\n", r.kind,
                   a.authenticate(r.token, now).message().c_str());
      return 1;
    }
    double ns = time_per_call(seconds, [&] {
      auto who = a.authenticate(r.token, now);
      if (!who) std::abort();
    });
    bool jwt = r.token.rfind(std::string{factord::auth::key_prefix}, 0) != 0;
    print_row(std::string{r.kind} + (jwt ? ", seen before (cached)" : ""), ns);
    if (!jwt) continue;
    // A token's first request: libjwt verifies it (what every refused token costs too).
    auto keys = factord::auth::load_jwt_keys(s.auth_jwt_secret, r.public_key_file);
    if (!keys) return 2;
    double first = time_per_call(seconds, [&] {
      auto who = factord::auth::verify_jwt(r.token, *keys, now);
      if (!who) std::abort();
    });
    print_row(std::string{r.kind} + ", first use (verified by libjwt)", first);
  }
  ::unlink(keys_path);
  return 0;
}
