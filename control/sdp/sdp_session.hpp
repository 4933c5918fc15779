#pragma once
// Our side's o= line across one dialog (RFC 3264 8): the session id stays, the version goes up
// by one each time we send a description that differs from the previous one, and stays when
// we resend the same one (a re-INVITE without change, RFC 3264 8 last paragraph).

#include <cstdint>
#include <string>

#include "control/sdp/session_description.hpp"

namespace dialcore::control::sdp {

class SdpSession {
 public:
  // session_id and the first version come from the caller (RFC 4566 suggests an NTP time
  // stamp; nothing here reads a clock or an RNG). address: our o= address (an IP literal).
  SdpSession(std::uint64_t session_id, std::uint64_t first_version,
             const dataplane::NetAddress& address);

  // Fills d.origin and prints d; bumps the version when the body differs from the last one.
  std::string stamp(SessionDescription& d);

  std::uint64_t session_id() const { return session_id_; }
  std::uint64_t version() const { return version_; }

 private:
  std::uint64_t session_id_;
  std::uint64_t version_;
  Origin origin_;
  std::string last_body_;  // empty before the first stamp
};

}  // namespace dialcore::control::sdp
