#include "sim/common/cli_values.hpp"

#include <cstdlib>

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

}  // namespace dialcore::sim
