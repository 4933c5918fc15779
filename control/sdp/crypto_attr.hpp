#pragma once
// RFC 4568 SDES: one a=crypto attribute, read and written. The key travels as the dataplane's
// SrtpKey so a negotiated line maps straight onto SetSrtpArgs.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dataplane/api/srtp_key.hpp"

namespace dialcore::control::sdp {

using dataplane::SrtpKey;
using dataplane::SrtpSuite;

// Bytes of master key + master salt an inline key carries: 30 for the AES-CM suites (RFC 4568
// 6.2: 128-bit key, 112-bit salt), 28 for AEAD_AES_128_GCM (RFC 7714 12: 96-bit salt).
inline constexpr std::size_t kMasterKeyBytes = 16;
inline constexpr std::size_t kMaxKeySaltBytes = 30;
std::size_t key_salt_bytes(SrtpSuite suite);   // 0 for SrtpSuite::None
std::string_view suite_name(SrtpSuite suite);  // "AES_CM_128_HMAC_SHA1_80", ...
std::optional<SrtpSuite> suite_from_name(std::string_view name);

struct CryptoAttr {
  std::uint32_t tag = 0;               // 1-999999999 (RFC 4568 9.1: 1*9DIGIT); the answer echoes it
  SrtpKey key;                         // suite, master key and salt (salt[12..13] zero for GCM)
  std::uint64_t lifetime_packets = 0;  // the optional "|2^31" lifetime; 0 = not given
};

struct CryptoParseResult {
  std::optional<CryptoAttr> attr;
  std::string error;  // why the line is refused, when attr is empty
};

// Reads the value of one a=crypto line ("1 AES_CM_128_HMAC_SHA1_80 inline:KEY[|2^31]").
// Refused, with the reason: an unknown suite, a key whose decoded length is not exactly the
// suite's, malformed base64, an MKI (the dataplane's contexts have none), several keys, a
// lifetime beyond the suite's maximum (2^48 AES-CM, 2^32 GCM) or below 2^20 (we never re-key),
// and any session parameter (UNENCRYPTED_SRTP, KDR=... change the transform; we do not support
// them, so accepting would break the call).
CryptoParseResult parse_crypto(std::string_view value);

// "TAG SUITE inline:BASE64" for our key.
std::string format_crypto(std::uint32_t tag, const SrtpKey& key);

// Our key for a suite from the caller's random bytes (at least key_salt_bytes(suite) of them;
// the first 16 are the master key, the rest the salt). nullopt when too few bytes are given.
std::optional<SrtpKey> make_key(SrtpSuite suite, std::span<const std::uint8_t> random_bytes);

}  // namespace dialcore::control::sdp
