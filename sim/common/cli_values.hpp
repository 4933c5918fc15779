#pragma once
// Values on the simulators' command lines: whole numbers, decimals, HOST:PORT ([v6]:port) and
// comma lists. Each returns false / nullopt on anything it cannot read whole.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dialcore::sim {

template <typename T>
bool parse_num(std::string_view s, T& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_double(const std::string& s, double& out);

struct HostPort {
  std::string host;  // brackets of an IPv6 literal removed
  std::uint16_t port = 0;
};
std::optional<HostPort> parse_host_port(std::string_view text);

// "a,b,,c" -> {"a","b","","c"}; "" -> {}.
std::vector<std::string> split_list(std::string_view text, char separator = ',');

}  // namespace dialcore::sim
