// control/api/openapi.yaml against a real dialcored: every documented path and method reaches
// a route (no "no_route" / "method_not_allowed" answer), for every resource (label control).
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/control/api/api_fixture.hpp"

using namespace dialcore::test;

namespace {

// (path, METHOD) pairs from the paths: section (two-space path keys, four-space methods).
std::vector<std::pair<std::string, std::string>> documented_routes(const std::string& file) {
  std::ifstream in(file);
  std::vector<std::pair<std::string, std::string>> out;
  std::string line, path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (!in_paths) continue;
    if (!line.empty() && line[0] != ' ') break;  // next top-level section
    if (line.rfind("  /", 0) == 0) {
      path = line.substr(2, line.find(':') - 2);
      continue;
    }
    for (const char* m : {"get", "post", "patch", "delete"}) {
      if (line == std::string("    ") + m + ":") {
        std::string upper(m);
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out.emplace_back(path, upper);
      }
    }
  }
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

}  // namespace

TEST_CASE("every route in openapi.yaml is served", "[api]") {
  const auto routes = documented_routes(DIALCORE_OPENAPI);
  REQUIRE(routes.size() >= 15);
  ApiFixture f;
  REQUIRE(f.started);
  auto c = f.admin();
  for (const auto& [path, method] : routes) {
    for (const std::string res :
         {"agents", "teams", "queues", "campaigns", "pause-reasons", "wrap-codes", "dnc"}) {
      const std::string target = replace_all(replace_all(path, "{resource}", res), "{id}", "999");
      INFO(method << " " << target);
      const auto r = c.request(method, target, method == "GET" || method == "DELETE" ? "" : "{}");
      CHECK(r.status != 0);
      CHECK(r.status < 500);
      CHECK(error_code(r) != "no_route");
      CHECK(error_code(r) != "method_not_allowed");
      if (path.find("{resource}") == std::string::npos) break;
    }
  }
}
