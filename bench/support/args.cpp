#include "bench/support/args.hpp"

#include <algorithm>
#include <cstdio>

namespace dialcore::bench {

Args::Args(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) items_.emplace_back(argv[i]);
}

bool Args::flag(const std::string& name) {
  auto it = std::find(items_.begin(), items_.end(), name);
  if (it == items_.end()) return false;
  items_.erase(it);
  return true;
}

bool Args::help(const char* text) {
  const bool asked = flag("--help") | flag("-h");  // both consumed
  if (asked) std::fputs(text, stdout);
  return asked;
}

std::optional<std::string> Args::value(const std::string& name) {
  auto it = std::find(items_.begin(), items_.end(), name);
  if (it == items_.end() || it + 1 == items_.end()) return std::nullopt;
  std::string v = *(it + 1);
  items_.erase(it, it + 2);
  return v;
}

}  // namespace dialcore::bench
