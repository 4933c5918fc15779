#pragma once
// Internal to control/calls: fresh random bytes from the kernel (getrandom) for SRTP master
// keys and SDP session ids. Called at call setup, never per packet.

#include <cstdint>
#include <span>

namespace dialcore::control::calls {

// Fills `out`; false only if the kernel refused (then `out` is left zeroed, and control/sdp
// refuses to negotiate SRTP with all-zero key material rather than use it).
bool random_fill(std::span<std::uint8_t> out);
std::uint64_t random_u64();

}  // namespace dialcore::control::calls
