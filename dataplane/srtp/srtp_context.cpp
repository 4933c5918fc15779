#include "dataplane/srtp/srtp_context.hpp"

#include <srtp2/srtp.h>

#include <array>
#include <climits>
#include <cstring>
#include <mutex>

namespace dialcore::dataplane {
namespace {

// libsrtp keeps global state (its crypto kernel); it must be initialised once per process
// before the first context, from whichever thread gets there first.
bool library_ready() {
  static std::once_flag once;
  static bool ready = false;
  std::call_once(once, [] { ready = srtp_init() == srtp_err_status_ok; });
  return ready;
}

SrtpStatus map(srtp_err_status_t e) {
  switch (e) {
    case srtp_err_status_ok: return SrtpStatus::Ok;
    case srtp_err_status_auth_fail: return SrtpStatus::AuthFail;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old: return SrtpStatus::ReplayFail;
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err: return SrtpStatus::BadPacket;
    default: return SrtpStatus::Error;
  }
}

// RFC 4568 section 6.2: both AES_CM suites authenticate SRTCP with 80 bits; GCM (RFC 7714)
// uses a 16-byte tag for both.
void set_policy(SrtpSuite suite, srtp_policy_t& p) {
  switch (suite) {
    case SrtpSuite::AesCm128HmacSha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
      break;
    case SrtpSuite::AesCm128HmacSha1_32:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
      break;
    case SrtpSuite::AeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
      break;
    case SrtpSuite::None:
      break;
  }
}

bool fits_int(std::size_t n) { return n <= static_cast<std::size_t>(INT_MAX); }

}  // namespace

const char* to_string(SrtpStatus s) {
  switch (s) {
    case SrtpStatus::Ok: return "ok";
    case SrtpStatus::NoRoom: return "no room for the tag";
    case SrtpStatus::BadPacket: return "bad packet";
    case SrtpStatus::AuthFail: return "authentication failed";
    case SrtpStatus::ReplayFail: return "replayed or too old";
    case SrtpStatus::Error: return "srtp error";
  }
  return "?";
}

static_assert(kSrtpMaxTrailer >= SRTP_MAX_TRAILER_LEN + 4);

SrtpContext::SrtpContext(const SrtpKey& key, Direction dir) {
  if (key.suite == SrtpSuite::None) {
    passthrough_ = ok_ = true;
    return;
  }
  if (!library_ready()) return;
  // libsrtp takes the master key followed by the master salt (14 bytes for AES-CM, 12 for GCM).
  std::array<unsigned char, 16 + 14> material{};
  std::memcpy(material.data(), key.master_key.data(), 16);
  std::memcpy(material.data() + 16, key.master_salt.data(), 14);

  srtp_policy_t policy{};
  set_policy(key.suite, policy);
  policy.ssrc.type = dir == Direction::Inbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.key = material.data();
  policy.window_size = 128;
  policy.allow_repeat_tx = 0;
  policy.next = nullptr;
  ok_ = srtp_create(&session_, &policy) == srtp_err_status_ok;
  if (!ok_) session_ = nullptr;
  std::memset(material.data(), 0, material.size());  // no key copy left on the stack
}

SrtpContext::~SrtpContext() {
  if (session_ != nullptr) srtp_dealloc(session_);
}

SrtpStatus SrtpContext::protect_rtp(std::span<std::uint8_t> buf, std::size_t& len) noexcept {
  if (session_ == nullptr) return passthrough_ ? SrtpStatus::Ok : SrtpStatus::Error;
  if (len > buf.size() || buf.size() - len < kSrtpMaxTrailer || !fits_int(buf.size())) {
    return SrtpStatus::NoRoom;
  }
  int n = static_cast<int>(len);
  const SrtpStatus st = map(srtp_protect(session_, buf.data(), &n));
  if (st == SrtpStatus::Ok) len = static_cast<std::size_t>(n);
  return st;
}

SrtpStatus SrtpContext::protect_rtcp(std::span<std::uint8_t> buf, std::size_t& len) noexcept {
  if (session_ == nullptr) return passthrough_ ? SrtpStatus::Ok : SrtpStatus::Error;
  if (len > buf.size() || buf.size() - len < kSrtpMaxTrailer || !fits_int(buf.size())) {
    return SrtpStatus::NoRoom;
  }
  int n = static_cast<int>(len);
  const SrtpStatus st = map(srtp_protect_rtcp(session_, buf.data(), &n));
  if (st == SrtpStatus::Ok) len = static_cast<std::size_t>(n);
  return st;
}

SrtpStatus SrtpContext::unprotect_rtp(std::span<std::uint8_t> buf, std::size_t& len) noexcept {
  if (session_ == nullptr) return passthrough_ ? SrtpStatus::Ok : SrtpStatus::Error;
  if (len > buf.size() || !fits_int(len)) return SrtpStatus::BadPacket;
  int n = static_cast<int>(len);
  const SrtpStatus st = map(srtp_unprotect(session_, buf.data(), &n));
  if (st == SrtpStatus::Ok) len = static_cast<std::size_t>(n);
  return st;
}

SrtpStatus SrtpContext::unprotect_rtcp(std::span<std::uint8_t> buf, std::size_t& len) noexcept {
  if (session_ == nullptr) return passthrough_ ? SrtpStatus::Ok : SrtpStatus::Error;
  if (len > buf.size() || !fits_int(len)) return SrtpStatus::BadPacket;
  int n = static_cast<int>(len);
  const SrtpStatus st = map(srtp_unprotect_rtcp(session_, buf.data(), &n));
  if (st == SrtpStatus::Ok) len = static_cast<std::size_t>(n);
  return st;
}

}  // namespace dialcore::dataplane
