#include "tests/support/fixtures.hpp"

#include <stdexcept>

#include "bench/support/wav_file.hpp"

namespace dialcore::test {

std::string fixture_path(const std::string& relative) {
  return std::string(DIALCORE_FIXTURE_DIR) + "/" + relative;
}

std::vector<std::int16_t> load_speech(const std::string& name, std::uint32_t expect_rate_hz) {
  const auto r = bench::read_wav(fixture_path("speech/" + name));
  if (!r.ok()) throw std::runtime_error(r.error);
  if (r.audio.sample_rate_hz != expect_rate_hz) {
    throw std::runtime_error(name + ": expected " + std::to_string(expect_rate_hz) + " Hz");
  }
  return r.audio.samples;
}

}  // namespace dialcore::test
