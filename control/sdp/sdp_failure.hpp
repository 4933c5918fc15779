#pragma once
// Why an SDP body was refused, already in SIP's terms: the status to answer with and the
// RFC 3261 20.43 warning code and text for the Warning header.

#include <cstdint>
#include <string>

namespace dialcore::control::sdp {

enum class SipWarning : std::uint16_t {
  IncompatibleNetworkAddress = 301,  // FQDN, multicast, unknown address type
  IncompatibleTransport = 302,       // RTP/AVP vs RTP/SAVP against our SRTP policy
  MediaTypeNotAvailable = 304,       // no audio stream
  IncompatibleMediaFormat = 305,     // no codec in common
  AttributeNotUnderstood = 306,      // a=crypto we cannot use
  SessionParameterNotUnderstood = 307,
  Miscellaneous = 399,
};

struct SdpFailure {
  int sip_status = 488;  // 400 unparseable body, 488 Not Acceptable Here
  SipWarning warning = SipWarning::Miscellaneous;
  std::string text;  // for the Warning header's quoted text and the logs

  // The Warning header value: `305 host "no common codec"` (quotes in text become ').
  std::string warning_header(const std::string& agent_host) const;
};

inline SdpFailure bad_request(std::string text) {
  return {400, SipWarning::Miscellaneous, std::move(text)};
}
inline SdpFailure not_acceptable(SipWarning w, std::string text) {
  return {488, w, std::move(text)};
}

}  // namespace dialcore::control::sdp
