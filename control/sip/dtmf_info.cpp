#include "control/sip/dtmf_info.hpp"

#include <cctype>
#include <charconv>
#include <string>

namespace dialcore::control::sip {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// "5", "*", "#", "a".."d", and the event codes 10 (*), 11 (#), 12-15 (A-D) some gateways send.
std::optional<char> digit_of(std::string_view s) {
  s = trim(s);
  if (s.size() == 1) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')) return c;
    return std::nullopt;
  }
  unsigned code = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), code);
  if (ec != std::errc() || end != s.data() + s.size() || code < 10 || code > 15) {
    return std::nullopt;
  }
  return "*#ABCD"[code - 10];
}

}  // namespace

std::optional<InfoDigit> parse_dtmf_info(std::string_view content_type, std::string_view body) {
  const std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (iequals(type, "application/dtmf")) {
    const auto d = digit_of(body);
    if (!d) return std::nullopt;
    return InfoDigit{*d, 0};
  }
  if (!iequals(type, "application/dtmf-relay")) return std::nullopt;
  std::optional<char> digit;
  std::uint32_t duration_ms = 0;
  while (!body.empty()) {
    const std::size_t eol = body.find('\n');
    const std::string_view line = body.substr(0, eol);
    body = eol == std::string_view::npos ? std::string_view{} : body.substr(eol + 1);
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = trim(line.substr(0, eq));
    const std::string_view value = trim(line.substr(eq + 1));
    if (iequals(key, "Signal")) {
      digit = digit_of(value);
    } else if (iequals(key, "Duration")) {
      std::uint32_t ms = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (ec == std::errc() && end == value.data() + value.size()) duration_ms = ms;
    }
  }
  if (!digit) return std::nullopt;
  return InfoDigit{*digit, duration_ms};
}

}  // namespace dialcore::control::sip
