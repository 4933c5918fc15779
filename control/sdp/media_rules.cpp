#include "control/sdp/media_rules.hpp"

#include <algorithm>

#include "codecs/names/codec_registry.hpp"

namespace dialcore::control::sdp::rules {
namespace {

using codecs::CodecId;

bool is_audio(const PayloadFormat& f) { return f.codec && f.codec->id != CodecId::TelephoneEvent; }

bool wanted(std::span<const CodecId> prefs, CodecId id) {
  return std::find(prefs.begin(), prefs.end(), id) != prefs.end();
}

bool packetises(const codecs::CodecFormat& f, std::uint16_t ptime_ms) {
  if (ptime_ms == 0 || ptime_ms > 120) return false;
  if (f.id == CodecId::Opus)
    return ptime_ms == 10 || ptime_ms == 20 || ptime_ms == 40 || ptime_ms == 60;
  return ptime_ms % f.frame_ms == 0;
}

}  // namespace

CodecChoice choose_codec(const MediaDescription& remote, std::span<const CodecId> prefs,
                         bool ours_first) {
  CodecChoice c;
  if (ours_first) {
    for (const CodecId id : prefs) {
      for (const auto& f : remote.formats) {
        if (is_audio(f) && f.codec->id == id && c.codec == nullptr) c.codec = &f;
      }
    }
  } else {
    for (const auto& f : remote.formats) {
      if (is_audio(f) && wanted(prefs, f.codec->id) && c.codec == nullptr) c.codec = &f;
    }
  }
  if (c.codec == nullptr || !wanted(prefs, CodecId::TelephoneEvent)) return c;
  // RFC 4733 2.1: events use the clock of the audio they go with.
  for (const auto& f : remote.formats) {
    if (f.codec && f.codec->id == CodecId::TelephoneEvent && c.event == nullptr &&
        f.codec->rtp_clock_hz == c.codec->codec->rtp_clock_hz) {
      c.event = &f;
    }
  }
  return c;
}

dataplane::CodecSpec send_spec(const PayloadFormat& f, const MediaDescription& remote,
                               std::uint16_t local_ptime_ms) {
  dataplane::CodecSpec s;
  s.format = *f.codec;
  s.payload_type = f.payload_type;
  const std::uint16_t cap = remote.maxptime_ms != 0 ? remote.maxptime_ms : 120;
  if (packetises(s.format, remote.ptime_ms) && remote.ptime_ms <= cap) {
    s.ptime_ms = remote.ptime_ms;
  } else if (packetises(s.format, local_ptime_ms) && local_ptime_ms <= cap) {
    s.ptime_ms = local_ptime_ms;
  } else {
    s.ptime_ms = s.format.frame_ms;
  }
  if (s.format.id == CodecId::Opus) s.format.frame_ms = s.ptime_ms;  // one Opus frame a packet
  return s;
}

Direction remote_direction(const MediaDescription& remote) {
  return remote.hold_address ? both(remote.direction, Direction::SendOnly) : remote.direction;
}

CryptoChoice choose_crypto(const MediaDescription& offer, const LocalMedia& local) {
  CryptoChoice c;
  const bool savp = offer.profile == MediaProfile::Savp;
  if (local.srtp == SrtpPolicy::Off) {
    if (savp)
      c.failure = not_acceptable(SipWarning::IncompatibleTransport,
                                 "RTP/SAVP offered but SRTP is off here");
    return c;
  }
  for (const auto& k : offer.crypto) {
    const bool ours = std::find(local.srtp_suites.begin(), local.srtp_suites.end(), k.key.suite) !=
                      local.srtp_suites.end();
    if (ours && c.remote == nullptr) c.remote = &k;
  }
  if (c.remote != nullptr) return c;
  if (savp || local.srtp == SrtpPolicy::Required) {
    std::string why = offer.crypto.empty() && offer.crypto_refused.empty()
                          ? std::string(savp ? "RTP/SAVP without a=crypto"
                                             : "plain RTP offered but SRTP is required here")
                          : "no usable a=crypto";
    for (const auto& r : offer.crypto_refused) why += "; " + r;
    const bool transport = offer.crypto.empty() && offer.crypto_refused.empty();
    c.failure = not_acceptable(
        transport ? SipWarning::IncompatibleTransport : SipWarning::AttributeNotUnderstood, why);
  }
  return c;
}

PayloadFormat our_format(const PayloadFormat& chosen) {
  PayloadFormat f;
  f.payload_type = chosen.payload_type;
  f.encoding = std::string(codecs::codec_info(chosen.codec->id).sdp_name);
  f.clock_hz = chosen.codec->rtp_clock_hz;
  f.channels = chosen.channels;
  codecs::CodecFormat mine = codecs::default_format(chosen.codec->id, 0);
  mine.rtp_clock_hz = chosen.codec->rtp_clock_hz;
  mine.annexb = chosen.codec->annexb;
  f.codec = mine;
  f.fmtp = codecs::fmtp(mine);
  return f;
}

bool has_key_material(const LocalMedia& local) {
  return std::any_of(local.srtp_key_material.begin(), local.srtp_key_material.end(),
                     [](std::uint8_t b) { return b != 0; });
}

void take_remote_transport(const MediaDescription& remote, bool local_mux, NegotiatedMedia& out) {
  out.remote_rtp = remote.connection;
  out.rtcp_mux = remote.rtcp_mux && local_mux;
  out.remote_rtcp = remote.rtcp && !out.rtcp_mux ? *remote.rtcp : dataplane::NetAddress{};
}

}  // namespace dialcore::control::sdp::rules
