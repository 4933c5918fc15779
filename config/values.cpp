#include "config/values.hpp"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace dialcore::config {

namespace {

bool all_of(const std::string& s, bool (*ok)(char)) {
  for (char c : s)
    if (!ok(c)) return false;
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}
bool is_user_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!@#$%^\\&_.").find(c) != std::string_view::npos;
}
bool is_zone_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '_' || c == '-' ||
         c == '+';
}

}  // namespace

bool is_ip_address(const std::string& text, bool& ipv6) {
  std::array<unsigned char, 16> buffer{};
  if (inet_pton(AF_INET, text.c_str(), buffer.data()) == 1) {
    ipv6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), buffer.data()) == 1) {
    ipv6 = true;
    return true;
  }
  return false;
}

std::string check_ip_address(const std::string& text) {
  bool ipv6 = false;
  return is_ip_address(text, ipv6) ? "" : "'" + text + "' is not an IPv4 or IPv6 address";
}

std::optional<Endpoint> parse_endpoint(const std::string& text, std::string& why) {
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      why = "'" + text + "' is not [IPv6]:port";
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) {
      why = "'" + text + "' is not address:port (write IPv6 as [addr]:port)";
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  Endpoint endpoint;
  if (!is_ip_address(host, endpoint.ipv6)) {
    why = "'" + host + "' is not an IPv4 or IPv6 address";
    return std::nullopt;
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    why = "port '" + port + "' is not 0-65535";
    return std::nullopt;
  }
  endpoint.address = host;
  endpoint.port = static_cast<std::uint16_t>(value);
  return endpoint;
}

std::string check_phone_number(const std::string& text) {
  const std::string digits = !text.empty() && text.front() == '+' ? text.substr(1) : text;
  if (digits.size() < 3 || digits.size() > 15 || !all_of(digits, is_digit)) {
    return "'" + text + "' is not a phone number (optional '+', then 3 to 15 digits)";
  }
  return "";
}

std::string check_identifier(const std::string& text) {
  if (text.empty() || text.size() > 64 || !all_of(text, is_id_char) || text[0] == '-' ||
      text[0] == '_') {
    return "'" + text + "' is not an id (1-64 letters, digits, '_' or '-', starting alphanumeric)";
  }
  return "";
}

std::string check_username(const std::string& text) {
  if (text.size() < 3 || text.size() > 64 || !all_of(text, is_user_char)) {
    return "'" + text + "' is not a username (3-64 letters, digits or !@#$%^\\&_.)";
  }
  return "";
}

std::string check_timezone(const std::string& zoneinfo_dir, const std::string& name) {
  const bool shaped = !name.empty() && name.size() < 64 && name.front() != '/' &&
                      name.find("..") == std::string::npos && all_of(name, is_zone_char);
  if (shaped) {
    const std::string path = zoneinfo_dir + "/" + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      std::array<char, 4> magic{};
      if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        const std::size_t got = std::fread(magic.data(), 1, magic.size(), f);
        std::fclose(f);
        if (got == 4 && std::string_view(magic.data(), 4) == "TZif") return "";
      }
    }
  }
  return "'" + name + "' is not an IANA time zone in " + zoneinfo_dir + " (e.g. Europe/London)";
}

std::string check_clock_time(const std::string& text) {
  if (text.size() == 5 && is_digit(text[0]) && is_digit(text[1]) && text[2] == ':' &&
      is_digit(text[3]) && is_digit(text[4])) {
    const int h = (text[0] - '0') * 10 + (text[1] - '0');
    const int m = (text[3] - '0') * 10 + (text[4] - '0');
    if (h < 24 && m < 60) return "";
  }
  return "'" + text + "' is not a time HH:MM";
}

std::string check_path_layout(const std::string& layout) {
  static constexpr std::array<std::string_view, 8> kFields = {
      "{date}", "{year}", "{month}", "{day}", "{campaign}", "{queue}", "{agent}", "{call_id}"};
  if (layout.empty() || layout.front() == '/') return "must be a relative path template";
  if (layout.find("..") != std::string::npos) return "must not contain '..'";
  if (layout.find("{call_id}") == std::string::npos) {
    return "must contain {call_id} so that every recording gets its own file";
  }
  for (std::size_t open = layout.find('{'); open != std::string::npos;
       open = layout.find('{', open + 1)) {
    const auto close = layout.find('}', open);
    const std::string field =
        layout.substr(open, close == std::string::npos ? 1 : close - open + 1);
    bool known = false;
    for (auto f : kFields) known = known || f == field;
    if (!known) {
      return "unknown placeholder '" + field +
             "' (known: {date} {year} {month} {day} {campaign} {queue} {agent} {call_id})";
    }
  }
  return "";
}

std::string check_sip_uri(const std::string& text) {
  const std::string_view s(text);
  const std::size_t scheme = s.starts_with("sips:") ? 5 : s.starts_with("sip:") ? 4 : 0;
  if (scheme == 0 || s.size() == scheme || s.find_first_of(" \t<>\"") != std::string_view::npos) {
    return "'" + text + "' is not a sip: or sips: URI";
  }
  return "";
}

std::string parse_file_mode(const std::string& text, std::uint32_t& mode) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 8);
  if (text.size() < 3 || text.size() > 4 || ec != std::errc() || end != text.data() + text.size()) {
    return "'" + text + "' is not an octal file mode such as 0640";
  }
  if ((value & 0400U) == 0 || (value & 0111U) != 0 || (value & 0007U) != 0) {
    return "'" + text + "': the owner must read, nobody may execute, others get nothing";
  }
  mode = value;
  return "";
}

}  // namespace dialcore::config
