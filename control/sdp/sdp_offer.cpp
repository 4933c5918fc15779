#include "control/sdp/sdp_offer.hpp"

#include <algorithm>

#include "codecs/names/codec_registry.hpp"
#include "control/sdp/media_rules.hpp"
#include "control/sdp/sdp_parse.hpp"

namespace dialcore::control::sdp {
namespace {

using codecs::CodecId;

PayloadFormat offered(CodecId id, std::uint32_t clock_hz, std::uint8_t pt) {
  PayloadFormat f;
  f.payload_type = pt;
  codecs::CodecFormat format = codecs::default_format(id, id == CodecId::Opus ? 0 : clock_hz);
  f.codec = format;
  f.encoding = std::string(codecs::codec_info(id).sdp_name);
  f.clock_hz = format.rtp_clock_hz;
  f.channels = id == CodecId::Opus ? 2 : 0;
  f.fmtp = codecs::fmtp(format);
  return f;
}

void add_formats(const LocalMedia& local, MediaDescription& m) {
  std::uint8_t next_dynamic = 96;
  bool opus = false;
  for (const CodecId id : local.codecs) {
    const bool seen = std::any_of(m.formats.begin(), m.formats.end(),
                                  [id](const PayloadFormat& f) { return f.codec->id == id; });
    if (id == CodecId::TelephoneEvent || seen) continue;
    const int pt = codecs::static_payload_type(codecs::default_format(id));
    m.formats.push_back(
        offered(id, 8000, pt >= 0 ? static_cast<std::uint8_t>(pt) : next_dynamic++));
    opus = opus || id == CodecId::Opus;
  }
  if (std::find(local.codecs.begin(), local.codecs.end(), CodecId::TelephoneEvent) !=
      local.codecs.end()) {
    m.formats.push_back(offered(CodecId::TelephoneEvent, 8000, 101));
    if (opus) m.formats.push_back(offered(CodecId::TelephoneEvent, 48000, 102));
  }
  for (const auto& f : m.formats) m.format_tokens.push_back(std::to_string(f.payload_type));
}

const PayloadFormat* find_pt(const MediaDescription& m, std::uint8_t pt) {
  for (const auto& f : m.formats) {
    if (f.payload_type == pt) return &f;
  }
  return nullptr;
}

std::optional<SdpFailure> check_formats(const MediaDescription& ours, const MediaDescription& a) {
  for (const auto& f : a.formats) {
    const PayloadFormat* o = find_pt(ours, f.payload_type);
    if (f.codec && (o == nullptr || o->codec->id != f.codec->id)) {
      return not_acceptable(SipWarning::IncompatibleMediaFormat,
                            "answer uses payload type " + std::to_string(f.payload_type) + " (" +
                                f.encoding + ") we did not offer");
    }
  }
  return std::nullopt;
}

// The a=crypto of the answer against ours: nullopt key = plain RTP.
std::optional<SdpFailure> check_crypto(const MediaDescription& ours, const MediaDescription& a,
                                       const LocalMedia& local, NegotiatedMedia& nm) {
  if (ours.crypto.empty()) return std::nullopt;
  if (a.crypto.empty()) {
    if (ours.profile == MediaProfile::Savp || local.srtp == SrtpPolicy::Required) {
      return not_acceptable(SipWarning::IncompatibleTransport,
                            "answer without a usable a=crypto but SRTP is required");
    }
    return std::nullopt;
  }
  const CryptoAttr& theirs = a.crypto.front();
  for (const auto& k : ours.crypto) {
    if (k.tag == theirs.tag && k.key.suite == theirs.key.suite) {
      nm.local_key = k.key;
      nm.remote_key = theirs.key;
      return std::nullopt;
    }
  }
  return not_acceptable(
      SipWarning::AttributeNotUnderstood,
      "answer's a=crypto tag " + std::to_string(theirs.tag) + " does not match an offered suite");
}

}  // namespace

OfferResult offer(const LocalMedia& local, SdpSession& session) {
  OfferResult r;
  if (local.srtp != SrtpPolicy::Off && !rules::has_key_material(local)) {
    r.failure = SdpFailure{500, SipWarning::Miscellaneous, "no local SRTP key supplied"};
    return r;
  }
  SessionDescription& d = r.description;
  d.connection = local.address;
  d.connection->port = 0;
  MediaDescription& m = d.media.emplace_back();
  m.media = "audio";
  m.port = local.address.port;
  m.profile = local.srtp == SrtpPolicy::Required ? MediaProfile::Savp : MediaProfile::Avp;
  m.proto = m.profile == MediaProfile::Savp ? "RTP/SAVP" : "RTP/AVP";
  m.connection = local.address;
  add_formats(local, m);
  m.ptime_ms = local.ptime_ms;
  m.direction = local.direction;
  m.rtcp_mux = local.rtcp_mux;
  if (local.srtp != SrtpPolicy::Off) {
    std::uint32_t tag = 1;
    for (const SrtpSuite suite : local.srtp_suites) {
      if (auto key = make_key(suite, local.srtp_key_material))
        m.crypto.push_back(CryptoAttr{tag++, *key, 0});
    }
  }
  r.sdp = session.stamp(d);
  return r;
}

NegotiationResult accept_answer(const SessionDescription& our_offer, std::string_view answer_body,
                                const LocalMedia& local) {
  NegotiationResult r;
  ParseResult parsed = parse_sdp(answer_body);
  if (!parsed.ok()) return r.failure = std::move(parsed.failure), r;
  const SessionDescription& ans = parsed.description;
  if (ans.media.size() != our_offer.media.size()) {
    return r.failure = not_acceptable(SipWarning::Miscellaneous,
                                      "answer has " + std::to_string(ans.media.size()) +
                                          " m= lines, the offer had " +
                                          std::to_string(our_offer.media.size())),
           r;
  }
  const auto ours =
      std::find_if(our_offer.media.begin(), our_offer.media.end(),
                   [](const MediaDescription& m) { return m.port != 0 && m.media == "audio"; });
  if (ours == our_offer.media.end())
    return r.failure =
               not_acceptable(SipWarning::MediaTypeNotAvailable, "our offer has no audio stream"),
           r;
  const MediaDescription& a = ans.media[static_cast<std::size_t>(ours - our_offer.media.begin())];
  if (a.port == 0)
    return r.failure = not_acceptable(SipWarning::MediaTypeNotAvailable,
                                      "the answer rejected our audio stream"),
           r;
  if (a.refused) return r.failure = a.refused, r;
  if (a.profile != ours->profile)
    return r.failure = not_acceptable(SipWarning::IncompatibleTransport,
                                      "the answer changed the transport to " + a.proto),
           r;
  if (auto why = check_formats(*ours, a)) return r.failure = std::move(why), r;
  const auto choice = rules::choose_codec(a, local.codecs, false);
  if (choice.codec == nullptr)
    return r.failure =
               not_acceptable(SipWarning::IncompatibleMediaFormat, "no common codec in the answer"),
           r;

  NegotiatedMedia& nm = r.media;
  if (auto why = check_crypto(*ours, a, local, nm)) return r.failure = std::move(why), r;
  nm.codec = rules::send_spec(*choice.codec, a, local.ptime_ms);
  if (choice.event != nullptr) {
    nm.telephone_event =
        dataplane::CodecSpec{*choice.event->codec, choice.event->payload_type, nm.codec.ptime_ms};
  }
  rules::take_remote_transport(a, ours->rtcp_mux, nm);
  nm.direction = both(reversed(rules::remote_direction(a)), ours->direction);
  return r;
}

}  // namespace dialcore::control::sdp
