#pragma once
// Internal to control/sip: server-side digest authentication for the agents' interfaces
// (RFC 2617 / RFC 7616, MD5, qop=auth or none). Nonces are stateless: the issue time and an
// HMAC-SHA256 of it under a per-process secret, so memory does not grow with challenges; a
// nonce older than its lifetime is answered with stale=true, a forged one is refused. The
// response is checked with sofia-sip's auth_digest helpers against HA1 only (never a password).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

struct msg_auth_s;

namespace dialcore::control::sip {

enum class NonceState : std::uint8_t { Valid, Stale, Invalid };

class NonceIssuer {
 public:
  explicit NonceIssuer(std::uint64_t lifetime_s = 300);  // a random secret (OpenSSL RAND_bytes)
  std::string issue(std::uint64_t now_s) const;
  NonceState check(std::string_view nonce, std::uint64_t now_s) const;

 private:
  std::string mac(std::string_view issued_hex) const;
  std::array<unsigned char, 32> secret_{};
  std::uint64_t lifetime_s_;
};

// The WWW-/Proxy-Authenticate value: Digest realm="R", nonce="N", qop="auth", algorithm=MD5
// [, stale=true].
std::string digest_challenge(std::string_view realm, std::string_view nonce, bool stale);

enum class DigestOutcome : std::uint8_t {
  NoCredentials,  // no Digest credentials for our realm: challenge
  Stale,          // right response on an expired nonce: challenge again with stale=true
  Bad,            // unknown user, wrong response, forged nonce, unsupported algorithm or qop
  Ok,
};

struct DigestResult {
  DigestOutcome outcome = DigestOutcome::NoCredentials;
  std::string username;  // as given (Stale, Bad and Ok)
};

// Users' HA1 (lower-case hex), by SIP username: the snapshot control gave the stack.
using Ha1Table = std::unordered_map<std::string, std::string>;

// Checks the first Digest credentials in the list `credentials` (sip_authorization or
// sip_proxy_authorization) whose realm is ours, for a request with `method`.
DigestResult check_digest(const msg_auth_s* credentials, std::string_view realm,
                          std::string_view method, const NonceIssuer& nonces, std::uint64_t now_s,
                          const Ha1Table& users);

}  // namespace dialcore::control::sip
