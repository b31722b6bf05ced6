#include "factor/parse.hpp"

namespace factord::factor {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A short, printable quote of the input for error messages.
std::string quote(std::string_view text) {
  constexpr std::size_t max_shown = 32;
  std::string out = "'";
  for (char c : text.substr(0, max_shown)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > max_shown) out += "...";
  return out + "'";
}

parsed_number fail(errc code, std::string message) {
  parsed_number out;
  out.error = code;
  out.message = std::move(message);
  return out;
}

} // namespace

parsed_number parse_number(std::string_view text, std::size_t max_digits) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.empty()) return fail(errc::empty_input, "empty input: send a positive decimal integer such as 91");
  std::string_view digits = text;
  if (digits.front() == '+') digits.remove_prefix(1);
  bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);

  bool looks_numeric = !digits.empty() && (is_digit(digits.front()) || digits.front() == '.');
  if (negative && looks_numeric)
    return fail(errc::not_positive,
                quote(text) + " is negative: only positive integers have a prime factorization");
  std::size_t bad = digits.find_first_not_of("0123456789");
  if (bad != std::string_view::npos || digits.empty()) {
    char c = bad == std::string_view::npos ? '\0' : digits[bad];
    if (looks_numeric && (c == '.' || c == 'e' || c == 'E' || c == '/'))
      return fail(errc::not_an_integer,
                  quote(text) + " is not an integer: fractions, decimal points and exponents are not "
                                "accepted; write the number out in decimal digits");
    return fail(errc::not_a_number,
                quote(text) + " is not a decimal integer: send digits 0-9 only, optionally with a leading +");
  }
  std::size_t first_nonzero = digits.find_first_not_of('0');
  if (first_nonzero == std::string_view::npos)
    return fail(errc::not_positive, "0 has no prime factorization: send a positive integer");
  digits.remove_prefix(first_nonzero);
  if (digits.size() > max_digits)
    return fail(errc::too_many_digits, "the number has " + std::to_string(digits.size()) +
                                           " digits; the limit is " + std::to_string(max_digits) +
                                           " (option --max-digits)");

  parsed_number out;
  out.value.set_str(std::string(digits), 10);
  return out;
}

} // namespace factord::factor
