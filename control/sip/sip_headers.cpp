#include "control/sip/sip_headers.hpp"

#include <cctype>

namespace dialcore::control::sip {

bool valid_user_part(std::string_view user) {
  if (user.empty() || user.size() > 64) return false;
  for (const char c : user) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '*' ||
                    c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::optional<ProxyParts> parse_proxy(std::string_view proxy) {
  ProxyParts p;
  if (proxy.starts_with("sip:")) {
    p.scheme = "sip";
    proxy.remove_prefix(4);
  } else if (proxy.starts_with("sips:")) {
    p.scheme = "sips";
    proxy.remove_prefix(5);
  } else {
    return std::nullopt;
  }
  if (const std::size_t at = proxy.find('@'); at != std::string_view::npos) {
    proxy.remove_prefix(at + 1);
  }
  const std::size_t semi = proxy.find(';');
  p.host = std::string(proxy.substr(0, semi));
  if (semi != std::string_view::npos) p.params = std::string(proxy.substr(semi));
  if (p.host.empty() || p.host.find_first_of(" <>\"") != std::string::npos) return std::nullopt;
  return p;
}

std::string request_uri(const ProxyParts& proxy, std::string_view number) {
  return proxy.scheme + ":" + std::string(number) + "@" + proxy.host + proxy.params;
}

std::string to_header(const ProxyParts& proxy, std::string_view number) {
  return "<" + proxy.scheme + ":" + std::string(number) + "@" + proxy.host + ">";
}

std::string from_header(const ProxyParts& proxy, std::string_view cli, bool anonymous) {
  if (anonymous) return "\"Anonymous\" <sip:anonymous@anonymous.invalid>";
  return "<" + proxy.scheme + ":" + std::string(cli) + "@" + proxy.host + ">";
}

std::string privacy_headers(const ProxyParts& proxy, std::string_view cli) {
  return "P-Asserted-Identity: <" + proxy.scheme + ":" + std::string(cli) + "@" + proxy.host +
         ">\r\nPrivacy: id";
}

std::string digest_credentials(std::string_view scheme, std::string_view realm,
                               std::string_view user, std::string_view password) {
  std::string r(realm);
  if (r.size() < 2 || r.front() != '"' || r.back() != '"') r = "\"" + r + "\"";
  return std::string(scheme) + ":" + r + ":" + std::string(user) + ":" + std::string(password);
}

}  // namespace dialcore::control::sip
