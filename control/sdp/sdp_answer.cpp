#include "control/sdp/sdp_answer.hpp"

#include <algorithm>

#include "control/sdp/media_rules.hpp"
#include "control/sdp/sdp_parse.hpp"

namespace dialcore::control::sdp {
namespace {

std::string offered_names(const MediaDescription& m) {
  std::string names;
  for (const auto& f : m.formats)
    names += (names.empty() ? "" : " ") +
             (f.encoding.empty() ? std::to_string(f.payload_type) : f.encoding);
  return names;
}

// Negotiates one offered audio line into our answer line `a` and `out`, or says why not.
std::optional<SdpFailure> answer_line(const MediaDescription& m, const LocalMedia& local,
                                      MediaDescription& a, NegotiatedMedia& out) {
  const auto crypto = rules::choose_crypto(m, local);
  if (crypto.failure) return crypto.failure;
  const auto choice = rules::choose_codec(m, local.codecs, true);
  if (choice.codec == nullptr) {
    return not_acceptable(SipWarning::IncompatibleMediaFormat,
                          "no common codec (offered: " + offered_names(m) + ")");
  }
  NegotiatedMedia nm;
  nm.codec = rules::send_spec(*choice.codec, m, local.ptime_ms);
  if (choice.event != nullptr) {
    nm.telephone_event =
        dataplane::CodecSpec{*choice.event->codec, choice.event->payload_type, nm.codec.ptime_ms};
  }
  rules::take_remote_transport(m, local.rtcp_mux, nm);
  nm.direction = both(reversed(rules::remote_direction(m)), local.direction);
  if (crypto.remote != nullptr) {
    if (!rules::has_key_material(local))
      return SdpFailure{500, SipWarning::Miscellaneous, "no local SRTP key supplied"};
    nm.remote_key = crypto.remote->key;
    nm.local_key = *make_key(crypto.remote->key.suite, local.srtp_key_material);
    a.crypto.push_back(CryptoAttr{crypto.remote->tag, nm.local_key, 0});
  }
  a.port = local.address.port;
  a.connection = local.address;
  a.format_tokens.clear();
  for (const PayloadFormat* f : {choice.codec, choice.event}) {
    if (f == nullptr) continue;
    a.formats.push_back(rules::our_format(*f));
    a.format_tokens.push_back(std::to_string(f->payload_type));
  }
  a.ptime_ms = nm.codec.ptime_ms;
  a.direction = nm.direction;
  a.rtcp_mux = nm.rtcp_mux;
  out = nm;
  return std::nullopt;
}

}  // namespace

AnswerResult answer(std::string_view offer_body, const LocalMedia& local, SdpSession& session) {
  ParseResult parsed = parse_sdp(offer_body);
  if (!parsed.ok()) return AnswerResult{{}, {}, std::move(parsed.failure)};
  return answer(parsed.description, local, session);
}

AnswerResult answer(const SessionDescription& offer, const LocalMedia& local, SdpSession& session) {
  AnswerResult r;
  SessionDescription ans;
  ans.connection = local.address;
  ans.connection->port = 0;
  bool accepted = false;
  std::optional<SdpFailure> first_failure;
  for (const auto& m : offer.media) {
    MediaDescription& a = ans.media.emplace_back();
    a.media = m.media;
    a.proto = m.proto;
    a.profile = m.profile;
    a.format_tokens = m.format_tokens;  // a rejected line keeps the offer's formats (RFC 3264 6)
    std::optional<SdpFailure> why = m.refused;
    if (!why && !accepted && m.port != 0) {
      why = answer_line(m, local, a, r.media);
      accepted = !why.has_value();
    }
    if (why && !first_failure) first_failure = std::move(why);
  }
  if (!accepted) {
    r.failure = first_failure
                    ? *first_failure
                    : not_acceptable(SipWarning::MediaTypeNotAvailable, "no audio stream offered");
    if (r.failure->sip_status == 400)
      r.failure->sip_status = 488;  // the body parsed; the line did not fit
    return r;
  }
  r.sdp = session.stamp(ans);
  return r;
}

}  // namespace dialcore::control::sdp
