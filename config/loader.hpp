#pragma once
// YAML text → validated Config. Every problem found is reported, not only the first, each as
// "file:line:column: key.path: message" (1-based line and column; list items by 0-based index,
// as in queues[1].teams[0]). Loading never throws and never starts anything.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace dialcore::config {

struct ConfigError {
  std::string file;
  int line = 0;     // 1-based; 0 when no position applies (unreadable file)
  int column = 0;   // 1-based
  std::string key;  // key path, e.g. "queues[1].team"; "yaml" for syntax errors
  std::string message;
};

// "file:line:column: key: message" (or "file: key: message" without a position).
std::string to_string(const ConfigError& error);

struct LoadOptions {
  // Environment lookup (DIALCORE_ADMIN_TOKEN); default std::getenv. Tests inject their own.
  std::function<std::optional<std::string>(const char*)> getenv;
  std::string zoneinfo_dir = "/usr/share/zoneinfo";
};

struct LoadResult {
  std::optional<Config> config;  // set when errors is empty
  std::vector<ConfigError> errors;
  std::vector<ConfigError> warnings;  // valid but probably not meant (no admin token)
  bool ok() const { return errors.empty(); }
};

// `name` is the file name used in messages.
LoadResult load_string(std::string_view yaml, const std::string& name,
                       const LoadOptions& options = {});
LoadResult load_file(const std::string& path, const LoadOptions& options = {});

// The embedded default (config/dialcore.yaml compiled into the binary) and its loaded form.
std::string_view default_yaml();
LoadResult load_default(const LoadOptions& options = {});

}  // namespace dialcore::config
