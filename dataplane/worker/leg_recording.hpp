#pragma once
// Per-leg recording state (issue 5) beside the Leg, in an array indexed like the leg table (the
// LegDtmf pattern), so the Leg keeps its 512-byte budget: only the `recorded` flag is in the Leg,
// where the relay path already reads it.
//
// A recording belongs to its customer leg (StartRecording's Command::leg). What the customer
// leg receives is the left channel; the right channel is what the customer hears: the audio its
// bridged peer receives, or a prompt played to the customer. Both are pushed after the DTMF tap
// (masked audio only) from the PCM the tap or the transcoder already decoded.

#include <cstdint>

#include "dataplane/recording/recording_types.hpp"

namespace dialcore::dataplane {

struct LegRecording {
  recording::RecordingId id;     // valid while the leg is the customer leg of a recording
  std::uint32_t rate_hz = 8000;  // the recording's PCM rate; audio at another rate is counted
};
static_assert(sizeof(LegRecording) <= 16);

}  // namespace dialcore::dataplane
