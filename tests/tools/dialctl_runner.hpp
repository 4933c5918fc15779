#pragma once
// Runs the real dialctl binary against a test's dialcored, with the daemon's URL and token in
// the environment (as a script would), capturing exit status, stdout and stderr.

#include <sys/wait.h>

#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/control/api/api_fixture.hpp"

namespace dialcore::test {

struct Run {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs dialctl with the daemon's URL and token from the environment (like a script would).
inline Run dialctl(const ApiFixture& f, const std::string& args,
                   const std::string& token = kAdminToken) {
  const std::string out = f.daemon.dir().string() + "/dialctl.out";
  const std::string err = f.daemon.dir().string() + "/dialctl.err";
  const std::string cmd = "env DIALCORE_API='" + f.daemon.url() + "' DIALCORE_TOKEN='" + token +
                          "' '" + DIALCORE_DIALCTL + "' " + args + " >'" + out + "' 2>'" + err +
                          "' </dev/null";
  const int raw = std::system(cmd.c_str());
  return Run{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

inline boost::json::object json_of(const Run& r) {
  boost::json::error_code ec;
  auto v = boost::json::parse(r.out, ec);
  return (!ec && v.is_object()) ? v.get_object() : boost::json::object{};
}

}  // namespace dialcore::test
