#pragma once
// The text of what an outbound INVITE on a trunk carries: Request-URI, From, the RFC 3325
// identity headers, the digest credential string for nua_authenticate. Pure functions.

#include <optional>
#include <string>
#include <string_view>

namespace dialcore::control::sip {

// A user part we put in a URI: digits, letters, '+', '*', '.', '-', '_' (1..64 chars).
bool valid_user_part(std::string_view user);

// "sip:[user@]host[:port][;params]" → its scheme and what follows the user part; nullopt
// when `proxy` is not a sip:/sips: URI with a host.
struct ProxyParts {
  std::string scheme;  // "sip" or "sips"
  std::string host;    // "host[:port]" ("[v6]:port" kept as written)
  std::string params;  // ";transport=udp..." or empty
};
std::optional<ProxyParts> parse_proxy(std::string_view proxy);

// The Request-URI for `number` through `proxy`: "sip:NUMBER@host:port;params".
std::string request_uri(const ProxyParts& proxy, std::string_view number);
// To: "<sip:NUMBER@host:port>".
std::string to_header(const ProxyParts& proxy, std::string_view number);
// From: "<sip:CLI@host>", or the anonymous From of RFC 3325 section 9.3 when `anonymous`.
std::string from_header(const ProxyParts& proxy, std::string_view cli, bool anonymous);
// Extra header lines for privacy id: P-Asserted-Identity with the real CLI, Privacy: id.
std::string privacy_headers(const ProxyParts& proxy, std::string_view cli);

// nua's NUTAG_AUTH string: "Digest:\"realm\":user:password". `realm` is taken as written in
// the challenge (quotes added when missing).
std::string digest_credentials(std::string_view scheme, std::string_view realm,
                               std::string_view user, std::string_view password);

}  // namespace dialcore::control::sip
