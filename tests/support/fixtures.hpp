#pragma once
// Fixture files for tests (tests/fixtures/...).

#include <cstdint>
#include <string>
#include <vector>

namespace dialcore::test {

std::string fixture_path(const std::string& relative);
// Loads a speech fixture and fails the test (via exception) if it cannot be read.
std::vector<std::int16_t> load_speech(const std::string& name, std::uint32_t expect_rate_hz);

}  // namespace dialcore::test
