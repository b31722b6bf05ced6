#include "actors/protocol/json_integers.hpp"

namespace factord::actors {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A number may start only where a value may: after a structural character or whitespace.
bool value_boundary(char c) {
  return c == '[' || c == ',' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

} // namespace

std::string quote_long_json_integers(std::string_view text, std::size_t min_digits) {
  std::string out;
  out.reserve(text.size() + 8);
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size())
        out += text[++i];
      else if (c == '"')
        in_string = false;
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      ++i;
      continue;
    }
    bool starts_number = (c == '-' || is_digit(c)) && (i == 0 || value_boundary(text[i - 1]));
    if (!starts_number) {
      out += c;
      ++i;
      continue;
    }
    std::size_t end = i + (c == '-' ? 1 : 0);
    std::size_t first_digit = end;
    while (end < text.size() && is_digit(text[end])) ++end;
    std::size_t digits = end - first_digit;
    // JSON has no leading zeros (RFC 8259): 007 stays as it is, and the parser refuses it.
    bool leading_zero = digits > 1 && text[first_digit] == '0';
    bool is_integer = digits > 0 && !leading_zero &&
                      (end == text.size() || (text[end] != '.' && text[end] != 'e' && text[end] != 'E'));
    if (is_integer && digits >= min_digits) {
      out += '"';
      out.append(text.substr(i, end - i));
      out += '"';
    } else {
      out.append(text.substr(i, end - i));
    }
    i = end;
  }
  return out;
}

} // namespace factord::actors
