#include "control/sip/digest_auth.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sofia-sip/auth_digest.h>
#include <sofia-sip/msg_types.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/su_string.h>

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace dialcore::control::sip {
namespace {

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0x0f]);
  }
  return out;
}

// A su_home on the stack for sofia's parsers; everything it holds goes with it.
struct Home {
  su_home_t home[1] = {SU_HOME_INIT(home)};
  ~Home() { su_home_deinit(home); }
};

}  // namespace

NonceIssuer::NonceIssuer(std::uint64_t lifetime_s) : lifetime_s_(lifetime_s) {
  if (RAND_bytes(secret_.data(), static_cast<int>(secret_.size())) != 1) {
    throw std::runtime_error("sip: no randomness for the digest nonce secret");
  }
}

std::string NonceIssuer::mac(std::string_view issued_hex) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(issued_hex.data()), issued_hex.size(), out, &length);
  return hex(out, 16);  // 128 bits are plenty for a nonce's integrity
}

std::string NonceIssuer::issue(std::uint64_t now_s) const {
  char issued[17];
  std::snprintf(issued, sizeof issued, "%016llx", static_cast<unsigned long long>(now_s));
  return std::string(issued) + mac(issued);
}

NonceState NonceIssuer::check(std::string_view nonce, std::uint64_t now_s) const {
  if (nonce.size() != 16 + 32) return NonceState::Invalid;
  const std::string_view issued_hex = nonce.substr(0, 16);
  if (mac(issued_hex) != nonce.substr(16)) return NonceState::Invalid;
  std::uint64_t issued = 0;
  const auto [end, ec] =
      std::from_chars(issued_hex.data(), issued_hex.data() + issued_hex.size(), issued, 16);
  if (ec != std::errc{} || end != issued_hex.data() + issued_hex.size() || issued > now_s + 5) {
    return NonceState::Invalid;
  }
  return now_s - std::min(now_s, issued) > lifetime_s_ ? NonceState::Stale : NonceState::Valid;
}

std::string digest_challenge(std::string_view realm, std::string_view nonce, bool stale) {
  std::string out = "Digest realm=\"";
  out.append(realm).append("\", nonce=\"").append(nonce).append("\", qop=\"auth\", algorithm=MD5");
  if (stale) out.append(", stale=true");
  return out;
}

DigestResult check_digest(const msg_auth_t* credentials, std::string_view realm,
                          std::string_view method, const NonceIssuer& nonces, std::uint64_t now_s,
                          const Ha1Table& users) {
  DigestResult result;
  const std::string realm_text(realm);
  for (const msg_auth_t* au = credentials; au != nullptr; au = au->au_next) {
    if (au->au_scheme == nullptr || !su_casematch(au->au_scheme, "Digest")) continue;
    Home home;
    auth_response_t ar[1] = {};
    ar->ar_size = sizeof ar[0];
    if (auth_digest_response_get(home.home, ar, au->au_params) < 0) continue;
    if (ar->ar_realm == nullptr || realm_text != ar->ar_realm) continue;  // not ours
    result.username = ar->ar_username != nullptr ? ar->ar_username : "";
    result.outcome = DigestOutcome::Bad;
    // MD5 only (no -sess, no SHA: what handsets send); qop auth or none (RFC 2069).
    if (ar->ar_algorithm != nullptr && !ar->ar_md5) return result;
    if (ar->ar_qop != nullptr && !ar->ar_auth) return result;
    if (ar->ar_nonce == nullptr || ar->ar_response == nullptr || ar->ar_uri == nullptr) {
      return result;
    }
    const NonceState nonce = nonces.check(ar->ar_nonce, now_s);
    if (nonce == NonceState::Invalid) return result;
    const auto user = users.find(result.username);
    if (user == users.end() || user->second.size() != 32) return result;
    auth_hexmd5_t ha1;
    user->second.copy(ha1, 32);
    ha1[32] = '\0';
    auth_hexmd5_t expected;
    const std::string method_text(method);
    if (auth_digest_response(ar, expected, ha1, method_text.c_str(), nullptr, 0) < 0) {
      return result;
    }
    if (!su_casematch(expected, ar->ar_response)) return result;
    result.outcome = nonce == NonceState::Stale ? DigestOutcome::Stale : DigestOutcome::Ok;
    return result;
  }
  return result;
}

}  // namespace dialcore::control::sip
