#pragma once
// The parsed, validated view of one SDP body (RFC 4566), the part of it offer/answer uses.
// Plain data: sdp_parse fills it from sofia-sip's parse tree; sdp_write prints it back.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codecs/names/codec_id.hpp"
#include "control/sdp/crypto_attr.hpp"
#include "control/sdp/sdp_failure.hpp"
#include "dataplane/api/net_address.hpp"

namespace dialcore::control::sdp {

// RFC 3264 section 5.1 (a=sendrecv and friends); the bits say "I send" and "I receive".
enum class Direction : std::uint8_t { Inactive = 0, SendOnly = 1, RecvOnly = 2, SendRecv = 3 };

constexpr bool sends(Direction d) { return (static_cast<unsigned>(d) & 1u) != 0; }
constexpr bool receives(Direction d) { return (static_cast<unsigned>(d) & 2u) != 0; }
// The direction seen from the other side: their sendonly is our recvonly.
constexpr Direction reversed(Direction d) {
  return static_cast<Direction>(((static_cast<unsigned>(d) & 1u) << 1) |
                                ((static_cast<unsigned>(d) & 2u) >> 1));
}
// Both wishes at once (an answer never grants more than was offered).
constexpr Direction both(Direction a, Direction b) {
  return static_cast<Direction>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
const char* to_string(Direction d);

// The transport of an m= line: only RTP/AVP and RTP/SAVP carry audio we accept.
enum class MediaProfile : std::uint8_t { Avp, Savp, Other };

// One payload type of an m= line with what a=rtpmap and a=fmtp say about it.
struct PayloadFormat {
  std::uint8_t payload_type = 0;  // 0-127
  std::string encoding;           // "PCMU", "opus"; RFC 3551 name for a static PT without rtpmap
  std::uint32_t clock_hz = 0;
  std::uint8_t channels = 0;  // 0: not given
  std::string fmtp;           // the a=fmtp value, empty when absent
  // The codec registry's reading of encoding/clock/channels/fmtp; nullopt: not a codec we know
  // (or a known one with a malformed fmtp, RFC 4566 lets us decline just that PT).
  std::optional<codecs::CodecFormat> codec;
};

struct MediaDescription {
  std::string media;       // "audio", "video", ...
  std::uint16_t port = 0;  // 0: rejected/disabled stream
  MediaProfile profile = MediaProfile::Other;
  std::string proto;                          // as written: "RTP/AVP", "RTP/SAVP", "UDP/TLS/..."
  std::vector<std::string> format_tokens;     // the m= line's formats as written
  std::vector<PayloadFormat> formats;         // audio RTP lines only: one per PT, m= line order
  dataplane::NetAddress connection;           // c= (media level, else session level); port = m=
  bool hold_address = false;                  // c=0.0.0.0 or :: (RFC 2543 hold, RFC 3264 8.4)
  std::uint16_t ptime_ms = 0;                 // 0: absent
  std::uint16_t maxptime_ms = 0;              // 0: absent
  Direction direction = Direction::SendRecv;  // media level, else session level, else sendrecv
  std::optional<dataplane::NetAddress> rtcp;  // a=rtcp (RFC 3605): port, address when given
  bool rtcp_mux = false;                      // a=rtcp-mux (RFC 5761)
  std::vector<CryptoAttr> crypto;             // a=crypto lines we can use, in offered order
  std::vector<std::string> crypto_refused;    // why each unusable a=crypto line was skipped
  // Set when we cannot use this line (not audio, not RTP/AVP or RTP/SAVP, an address that is
  // not an IP literal, multicast): the answer rejects it with port 0.
  std::optional<SdpFailure> refused;
};

struct Origin {
  std::string username = "-";
  std::uint64_t session_id = 0;
  std::uint64_t version = 0;
  std::string address = "0.0.0.0";  // as written (a host name is legal here)
  bool ipv6 = false;
};

struct SessionDescription {
  Origin origin;
  std::optional<dataplane::NetAddress> connection;  // session-level c= (port 0)
  std::vector<MediaDescription> media;
};

}  // namespace dialcore::control::sdp
