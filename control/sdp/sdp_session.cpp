#include "control/sdp/sdp_session.hpp"

#include "control/sdp/sdp_write.hpp"

namespace dialcore::control::sdp {

SdpSession::SdpSession(std::uint64_t session_id, std::uint64_t first_version,
                       const dataplane::NetAddress& address)
    : session_id_(session_id), version_(first_version) {
  origin_.username = "dialcore";
  origin_.session_id = session_id;
  origin_.ipv6 = address.family == dataplane::AddressFamily::V6;
  origin_.address = connection_text(address).substr(7);  // drop "IN IPx "
}

std::string SdpSession::stamp(SessionDescription& d) {
  d.origin = origin_;
  d.origin.version = version_;
  std::string body = write_sdp(d);
  if (!last_body_.empty() && body != last_body_) {
    d.origin.version = ++version_;
    body = write_sdp(d);
  }
  last_body_ = body;
  return body;
}

}  // namespace dialcore::control::sdp
