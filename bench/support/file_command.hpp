#pragma once
// What the dialbench commands that run a DSP component over WAV files share (`dtmf detect`,
// `dtmf mask`, `amd`; the corpus contract in shared/corpus/README.md): reading a leg's audio
// with one clear error line on stderr, the --frame-ms option, and rejecting unknown options.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/support/args.hpp"

namespace dialcore::bench {

// Reads a mono 16-bit WAV at `rate_hz`; on failure prints "TOOL: reason" on stderr and returns
// nothing.
std::optional<std::vector<std::int16_t>> read_leg_wav(const std::string& path, std::uint32_t rate_hz,
                                                      const char* tool);
// Consumes "--frame-ms N" (1..1000, default 20) and returns the samples per call at 8 kHz;
// nothing (after an error on stderr) when N is bad.
std::optional<std::size_t> frame_samples_option(Args& args, const char* tool);
// Consumes "--NAME N" (an unsigned number); nothing (after an error on stderr) when N is bad,
// `fallback` when the option is absent.
std::optional<std::uint32_t> uint_option(Args& args, const std::string& name, std::uint32_t fallback,
                                         const char* tool);
// True when none of rest[from..] looks like an option; otherwise prints "TOOL: unknown option".
bool no_unknown_options(const std::vector<std::string>& rest, std::size_t from, const char* tool);

}  // namespace dialcore::bench
