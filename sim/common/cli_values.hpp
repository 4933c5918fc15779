#pragma once
// Values on the simulators' command lines: whole numbers, decimals, HOST:PORT ([v6]:port) and
// comma lists. Each returns false / nullopt on anything it cannot read whole.

#include <charconv>
#include <cstdint>
#include <functional>
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

// The simulators' command-line walk: -h/--help ends it with help = true and message = usage;
// `flag` is asked first for each argument and returns true when it is a value-less flag it
// took; otherwise the next argument is the value and `option(name, value)` returns "" when it
// took it, else why not ("unknown option", "seconds expected"; an exception's what() counts
// too). On false, message is "NAME: why" and the usage.
bool walk_args(int argc, char** argv, const std::string& usage, std::string& message, bool& help,
               const std::function<bool(const std::string& name)>& flag,
               const std::function<std::string(const std::string& name, const std::string& value)>& option);

// "a,b,,c" -> {"a","b","","c"}; "" -> {}.
std::vector<std::string> split_list(std::string_view text, char separator = ',');

}  // namespace dialcore::sim
