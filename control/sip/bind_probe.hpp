#pragma once
// Internal to control/sip: checks that an interface's listen address can be bound before
// sofia tries. nua_create leaks its own allocations when its bind fails (seen under
// LeakSanitizer with sofia-sip 1.12.11), and the probe gives a clearer error.

#include "config/config.hpp"

#include <optional>
#include <string>

namespace dialcore::control::sip {

// nullopt when a socket of `transport` binds `endpoint` (and is closed again), else why not.
std::optional<std::string> probe_bind(const config::Endpoint& endpoint,
                                      config::SipTransport transport);

}  // namespace dialcore::control::sip
