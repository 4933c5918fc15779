#include "sim/common/cli_values.hpp"

#include <cstdlib>
#include <exception>

namespace dialcore::sim {

bool parse_double(const std::string& s, double& out) {
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

std::optional<HostPort> parse_host_port(std::string_view text) {
  const auto colon = text.rfind(':');
  HostPort hp;
  if (colon == std::string_view::npos || colon == 0 || !parse_num(text.substr(colon + 1), hp.port)) {
    return std::nullopt;
  }
  hp.host = std::string(text.substr(0, colon));
  if (hp.host.size() > 2 && hp.host.front() == '[' && hp.host.back() == ']') {
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  }
  return hp;
}

std::vector<std::string> split_list(std::string_view rest, char separator) {
  std::vector<std::string> out;
  while (!rest.empty()) {
    const auto at = rest.find(separator);
    out.emplace_back(rest.substr(0, at));
    rest = at == std::string_view::npos ? std::string_view{} : rest.substr(at + 1);
  }
  return out;
}

bool walk_args(int argc, char** argv, const std::string& usage, std::string& message, bool& help,
               const std::function<bool(const std::string& name)>& flag,
               const std::function<std::string(const std::string& name, const std::string& value)>& option) {
  help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      message = usage;
      return false;
    }
    if (flag(arg)) continue;
    std::string why;
    if (i + 1 >= argc) {
      why = "needs a value";
    } else {
      try {
        why = option(arg, argv[++i]);
      } catch (const std::exception& e) {
        why = e.what();
      }
    }
    if (!why.empty()) {
      message = arg + ": " + why + "\n" + usage;
      return false;
    }
  }
  return true;
}

}  // namespace dialcore::sim
