// Random byte mutations of the example YAML never crash the loader, never escape as an
// exception, and never reach the loader's internal-failure net (seeded, bounded).
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>

#include "config_test_support.hpp"

using namespace dialcore;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// One to eight edits: overwrite, insert or delete a byte, or splice in YAML punctuation.
std::string mutate(std::string text, std::mt19937& rng) {
  static const char kPunctuation[] = ":-[]{},'\"#&*!|>%@`\n\t ";
  std::uniform_int_distribution<int> edits(1, 8);
  for (int n = edits(rng); n > 0 && !text.empty(); --n) {
    const std::size_t at = std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng);
    switch (rng() % 4) {
      case 0: text[at] = static_cast<char>(rng() & 0xFF); break;
      case 1: text.insert(at, 1, static_cast<char>(rng() & 0xFF)); break;
      case 2: text.erase(at, 1); break;
      default: text.insert(at, 1, kPunctuation[rng() % (sizeof(kPunctuation) - 1)]); break;
    }
  }
  return text;
}

}  // namespace

TEST_CASE("mutated YAML gives errors or a config, never a crash", "[config][fuzz]") {
  const std::string seed = read(test::config_path("examples/contact-centre.yaml"));
  REQUIRE(test::load(seed).ok());
  std::mt19937 rng(20261121);
  int rejected = 0;
  int accepted = 0;
#ifdef DIALCORE_SANITIZED
  constexpr int kRuns = 1000;  // ~50 ms per load under ASan/UBSan on a loaded 2-core machine
#else
  constexpr int kRuns = 3000;
#endif
  for (int i = 0; i < kRuns; ++i) {
    const std::string text = mutate(seed, rng);
    config::LoadResult r;
    REQUIRE_NOTHROW(r = test::load(text));
    CHECK(r.ok() == r.config.has_value());
    for (const auto& e : r.errors) {
      INFO(config::to_string(e));
      CHECK(e.key != "internal");
      CHECK(e.file == "test.yaml");
      CHECK_FALSE(e.message.empty());
    }
    (r.ok() ? accepted : rejected) += 1;
  }
  // The mutations must exercise both outcomes, or the loop proves little.
  CHECK(rejected > kRuns / 2);
  CHECK(accepted > 0);
}

TEST_CASE("deep nesting is refused, not a stack overflow", "[config][fuzz]") {
  const std::string deep = "a: " + std::string(100000, '[') + std::string(100000, ']');
  const auto r = test::load(deep);
  CHECK_FALSE(r.ok());
}

TEST_CASE("self-referencing aliases are read as far as the schema goes, then refused",
          "[config][fuzz]") {
  const auto r = test::load(
      "dataplane: &a {dpdk: *a}\n"
      "teams: &t [*t]\n"
      "agents: &g [{username: abc, first_name: *g, last_name: x}]\n");
  INFO(test::all_errors(r));
  REQUIRE(r.errors.size() == 3);
  CHECK(r.errors[0].key == "dataplane.dpdk.dpdk");
  CHECK(r.errors[1].message == "expected a mapping, got a list");
  CHECK(r.errors[2].key == "agents[0].first_name");
}
