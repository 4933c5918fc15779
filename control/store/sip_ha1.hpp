#pragma once
// SIP digest credentials as stored (issue 7): HA1 = MD5(username ":" realm ":" password) in
// lower-case hex (RFC 2617 3.2.2.2, RFC 7616 3.4.2), never the password itself. The SIP
// registrar verifies digests from HA1 alone; changing the realm invalidates every HA1.

#include <string>
#include <string_view>

namespace dialcore::control::store {

inline constexpr std::string_view kDefaultSipRealm = "dialcore";

// 32 lower-case hex digits (OpenSSL EVP MD5); "" only if libcrypto fails (out of memory).
std::string sip_ha1(std::string_view username, std::string_view realm, std::string_view password);

}  // namespace dialcore::control::store
