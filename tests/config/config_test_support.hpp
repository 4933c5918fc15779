#pragma once
// Helpers for the config tests: load YAML text with a fixed environment and find errors.

#include <optional>
#include <string>
#include <vector>

#include "config/loader.hpp"

namespace dialcore::test {

inline config::LoadOptions no_env() {
  config::LoadOptions options;
  options.getenv = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  return options;
}

inline config::LoadResult load(const std::string& yaml) {
  return config::load_string(yaml, "test.yaml", no_env());
}

// The errors whose key is `key`.
inline std::vector<config::ConfigError> errors_at(const config::LoadResult& r,
                                                  const std::string& key) {
  std::vector<config::ConfigError> out;
  for (const auto& e : r.errors)
    if (e.key == key) out.push_back(e);
  return out;
}

inline std::string all_errors(const config::LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += config::to_string(e) + "\n";
  return out;
}

inline std::string config_path(const std::string& name) {
  return std::string(DIALCORE_CONFIG_DIR) + "/" + name;
}

}  // namespace dialcore::test
