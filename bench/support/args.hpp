#pragma once
// A tiny argument reader for dialbench subcommands: --flag, --key value, positionals.

#include <optional>
#include <string>
#include <vector>

namespace dialcore::bench {

class Args {
 public:
  Args(int argc, char** argv, int first);
  bool flag(const std::string& name);                         // consumes --name
  // Consumes --help or -h; when there was one, prints `text` on stdout and returns true.
  bool help(const char* text);
  std::optional<std::string> value(const std::string& name);  // consumes --name VALUE
  // Whatever was not consumed; call last. Unknown options are errors for the caller.
  const std::vector<std::string>& rest() const { return items_; }

 private:
  std::vector<std::string> items_;
};

}  // namespace dialcore::bench
