#include "bench/support/file_command.hpp"

#include <cstdio>

#include "bench/support/wav_file.hpp"

namespace dialcore::bench {

std::optional<std::vector<std::int16_t>> read_leg_wav(const std::string& path, std::uint32_t rate_hz,
                                                      const char* tool) {
  WavResult wav = read_wav(path);
  if (!wav.ok()) {
    std::fprintf(stderr, "%s: %s\n", tool, wav.error.c_str());
    return std::nullopt;
  }
  if (wav.audio.sample_rate_hz != rate_hz) {
    std::fprintf(stderr, "%s: %s: %u Hz, need %u Hz\n", tool, path.c_str(), wav.audio.sample_rate_hz,
                 rate_hz);
    return std::nullopt;
  }
  return std::move(wav.audio.samples);
}

std::optional<std::uint32_t> uint_option(Args& args, const std::string& name, std::uint32_t fallback,
                                         const char* tool) {
  const auto v = args.value(name);
  if (!v) return fallback;
  try {
    std::size_t used = 0;
    const unsigned long n = std::stoul(*v, &used);
    if (used == v->size() && n <= 0xFFFFFFFFul && (*v)[0] != '-') return static_cast<std::uint32_t>(n);
  } catch (const std::exception&) {
  }
  std::fprintf(stderr, "%s: bad %s '%s'\n", tool, name.c_str(), v->c_str());
  return std::nullopt;
}

std::optional<std::size_t> frame_samples_option(Args& args, const char* tool) {
  const auto ms = uint_option(args, "--frame-ms", 20, tool);
  if (!ms) return std::nullopt;
  if (*ms == 0 || *ms > 1000) {
    std::fprintf(stderr, "%s: --frame-ms must be 1..1000\n", tool);
    return std::nullopt;
  }
  return static_cast<std::size_t>(*ms) * 8;
}

bool no_unknown_options(const std::vector<std::string>& rest, std::size_t from, const char* tool) {
  for (std::size_t i = from; i < rest.size(); ++i) {
    if (rest[i].rfind("--", 0) == 0) {
      std::fprintf(stderr, "%s: unknown option '%s'\n", tool, rest[i].c_str());
      return false;
    }
  }
  return true;
}

}  // namespace dialcore::bench
