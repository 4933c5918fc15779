#pragma once
// SrtpContext: one direction of a leg's SRTP and SRTCP (RFC 3711) over libsrtp2, keyed by SDES
// (RFC 4568) with the suites of dataplane/api/srtp_key.hpp. Inbound contexts decrypt and check
// what the peer sends (authentication and a 128-packet replay window); outbound contexts
// encrypt what we send. Any SSRC is accepted (libsrtp's ssrc_any_*), so a re-bridged source or
// a prompt under a new SSRC needs no re-keying.
//
// Per packet: in place on the caller's buffer, no exceptions. libsrtp allocates once per new
// SSRC seen by a context (it clones its template stream), never per packet after that.
// Cost (`srtp_context_test "[.bench]"`, Release, this machine kind, 172-byte G.711 packet):
// see the figures beside protect_rtp() in srtp_context.cpp.

#include <cstddef>
#include <cstdint>
#include <span>

#include "dataplane/api/srtp_key.hpp"

struct srtp_ctx_t_;

namespace dialcore::dataplane {

enum class SrtpStatus : std::uint8_t {
  Ok,
  NoRoom,      // the buffer cannot hold the packet plus its authentication tag
  BadPacket,   // too short or malformed for SRTP
  AuthFail,    // the tag does not match: tampered, or the wrong key
  ReplayFail,  // already received, or older than the replay window
  Error,       // any other libsrtp failure
};

const char* to_string(SrtpStatus s);

// Room to leave after a packet for protect_*(): libsrtp documents that it may write its maximum
// trailer (a 16-byte tag plus a 128-byte MKI) and SRTCP adds a 4-byte index, though without MKI
// it writes at most 20. Packet slots are sized with this slack.
inline constexpr std::size_t kSrtpMaxTrailer = 16 + 128 + 4;

class SrtpContext {
 public:
  enum class Direction : std::uint8_t { Inbound, Outbound };

  // Setup only (allocates). With SrtpSuite::None the context passes packets through untouched.
  // ok() is false when libsrtp refused the key; such a context fails every packet (Error), it
  // never falls back to plain RTP.
  SrtpContext(const SrtpKey& key, Direction dir);
  ~SrtpContext();
  SrtpContext(const SrtpContext&) = delete;
  SrtpContext& operator=(const SrtpContext&) = delete;

  bool ok() const { return ok_; }
  bool active() const { return session_ != nullptr; }

  // Outbound: encrypts the packet's first `len` bytes of `buf` in place and appends the tag;
  // len grows. buf.size() is the room available.
  SrtpStatus protect_rtp(std::span<std::uint8_t> buf, std::size_t& len) noexcept;
  SrtpStatus protect_rtcp(std::span<std::uint8_t> buf, std::size_t& len) noexcept;
  // Inbound: checks and decrypts in place; len shrinks by the tag.
  SrtpStatus unprotect_rtp(std::span<std::uint8_t> buf, std::size_t& len) noexcept;
  SrtpStatus unprotect_rtcp(std::span<std::uint8_t> buf, std::size_t& len) noexcept;

 private:
  srtp_ctx_t_* session_ = nullptr;
  bool passthrough_ = false;  // SrtpSuite::None
  bool ok_ = false;
};

}  // namespace dialcore::dataplane
