// Test numbers and the checks on the answers: random 12–18 digit numbers, 38-digit
// semiprimes (two 19-digit primes, a few ms each for the server), and "does the product
// of these factors equal the number" in 128-bit arithmetic (everything we send fits).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace load {

__extension__ typedef unsigned __int128 u128; // __extension__: no -Wpedantic noise

std::string to_decimal(u128 v);
bool parse_decimal(const std::string& s, u128& out); // false on overflow / non-digit

// Uniform digit count in [min_digits, max_digits], then uniform within that count.
std::string random_number(std::mt19937_64& rng, int min_digits, int max_digits);

// p*q with p, q random primes in [3.17e18, 1e19): always 38 digits.
std::string random_semiprime38(std::mt19937_64& rng);

// True when every factor is > 1, they are ascending, and their product is `number`.
bool factors_match(const std::string& number, const std::vector<std::string>& factors);

// Parses a bare WebSocket reply "N : [p1 p2 ...]"; false if it is not that shape.
bool parse_ws_reply(const std::string& text, std::string& number, std::vector<std::string>& factors);

} // namespace load
