#pragma once
// What our side brings to an offer or an answer: the dataplane leg's address, the codec
// preference, ptime, the direction we want (hold), the SRTP policy and our fresh key.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "codecs/names/codec_id.hpp"
#include "control/sdp/crypto_attr.hpp"
#include "control/sdp/session_description.hpp"
#include "dataplane/api/net_address.hpp"

namespace dialcore::control::sdp {

// Same meaning as config::SrtpPolicy (SipTrunk::srtp); the caller maps one onto the other.
enum class SrtpPolicy : std::uint8_t {
  Off,       // plain RTP only: an RTP/SAVP offer is refused, a=crypto in RTP/AVP ignored
  Optional,  // either: SRTP when the peer offers a usable a=crypto, plain otherwise
  Required,  // SRTP only: an offer without a usable a=crypto is refused
};

// PCMU, PCMA, telephone-event (SipTrunk's default codec list).
std::vector<codecs::CodecId> default_codecs();
// AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM.
std::vector<SrtpSuite> default_srtp_suites();

struct LocalMedia {
  dataplane::NetAddress address;  // our RTP address and port (the dataplane leg's local side)
  // Preference, names as in codec_names (codec_from_name). TelephoneEvent's place is irrelevant:
  // present means "offer/accept RFC 4733 events".
  std::vector<codecs::CodecId> codecs = default_codecs();
  std::uint16_t ptime_ms = 20;  // what we ask to receive, and send when the peer names none
  Direction direction = Direction::SendRecv;  // SendOnly or Inactive to put the peer on hold
  bool rtcp_mux = true;                       // offer it, and accept it when offered
  SrtpPolicy srtp = SrtpPolicy::Off;
  // Suites we accept and offer, in offer order.
  std::vector<SrtpSuite> srtp_suites = default_srtp_suites();
  // Fresh random bytes from the caller (libsodium randombytes_buf at call setup): our master
  // key (16) then salt (14; 12 used for GCM). Used only when SRTP is negotiated.
  std::array<std::uint8_t, kMaxKeySaltBytes> srtp_key_material{};
};

// "PCMU", "pcma", "telephone-event" -> CodecId, by the registry's SDP names (case-insensitive).
std::optional<codecs::CodecId> codec_from_name(std::string_view name);

}  // namespace dialcore::control::sdp
