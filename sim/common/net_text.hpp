#pragma once
// IP literals to and from the dataplane's NetAddress, for the simulators' SDP (control/sdp
// speaks NetAddress; oRTP and the command line speak text).

#include <cstdint>
#include <string>

#include "dataplane/api/net_address.hpp"

namespace dialcore::sim {

// An IPv4 or IPv6 literal and a port. Throws std::runtime_error for anything else.
dataplane::NetAddress net_address(const std::string& host, std::uint16_t port);
// The address part as text ("127.0.0.1", "::1").
std::string ip_text(const dataplane::NetAddress& address);

}  // namespace dialcore::sim
