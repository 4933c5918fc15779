// `dialctl config check` (and `dialcored --check`) driven as real processes: output, --json and
// exit codes (0 valid, 1 invalid, 2 usage).
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>
#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace {

struct Run {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/dialctl_test_XXXXXX";
    const char* made = ::mkdtemp(pattern);
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string file(const std::string& name, const std::string& text) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs `env -u DIALCORE_ADMIN_TOKEN [ENV] BINARY ARGS`, capturing both streams and the status.
Run run(const std::string& binary, const std::string& args, const std::string& env = "") {
  TempDir dir;
  const std::string out = dir.path() + "/out";
  const std::string err = dir.path() + "/err";
  const std::string command = "env -u DIALCORE_ADMIN_TOKEN " + env + " '" + binary + "' " + args +
                              " >'" + out + "' 2>'" + err + "'";
  const int raw = std::system(command.c_str());
  Run r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

const std::string kDialctl = DIALCORE_DIALCTL;
const std::string kDialcored = DIALCORE_DIALCORED;
const std::string kDefault = std::string(DIALCORE_CONFIG_DIR) + "/dialcore.yaml";
const std::string kExample = std::string(DIALCORE_CONFIG_DIR) + "/examples/contact-centre.yaml";
const std::string kBad =
    "dataplane:\n"
    "  workrs: [1]\n"
    "teams:\n"
    "  - {id: sales, name: Sales}\n"
    "queues:\n"
    "  - {id: q1, name: Q, teams: [salse]}\n";

}  // namespace

TEST_CASE("a valid file: exit 0 and 'ok: FILE (summary)'", "[dialctl]") {
  const Run r = run(kDialctl, "config check '" + kDefault + "'");
  CHECK(r.status == 0);
  CHECK(r.out == "ok: " + kDefault +
                     " (socket, 1 worker, 0 sip interfaces, 0 trunks, 4 pause reasons, 4 wrap "
                     "codes, 0 teams, 0 queues, 0 campaigns, 0 agents)\n");
  CHECK_THAT(r.err, Catch::Contains("warning: ") && Catch::Contains("api.admin_token"));
  // With the token in the environment there is nothing to warn about.
  const Run with_token =
      run(kDialctl, "config check '" + kExample + "'", "DIALCORE_ADMIN_TOKEN=0123456789abcdef0123");
  CHECK(with_token.status == 0);
  CHECK_THAT(with_token.out, Catch::StartsWith("ok: " + kExample + " (dpdk, 4 workers"));
  CHECK(with_token.err.empty());
}

TEST_CASE("an invalid file: exit 1 and every error as file:line:column: key: message",
          "[dialctl]") {
  TempDir dir;
  const std::string bad = dir.file("bad.yaml", kBad);
  const Run r = run(kDialctl, "config check '" + bad + "'");
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains(bad + ":2:3: dataplane.workrs: unknown key 'workrs' (did "
                                          "you mean 'workers'?)\n"));
  CHECK_THAT(r.err, Catch::Contains(bad + ":6:31: queues[0].teams[0]: unknown team 'salse' "
                                          "(did you mean 'sales'?)\n"));
  CHECK_THAT(r.err, Catch::EndsWith("invalid: " + bad + " (2 errors)\n"));
  const std::string syntax = dir.file("syntax.yaml", "api: {listen: [\n");
  CHECK(run(kDialctl, "config check '" + syntax + "'").status == 1);
  CHECK(run(kDialctl, "config check '" + dir.path() + "/missing.yaml'").status == 1);
}

TEST_CASE("with --json it prints one JSON object with the same verdict", "[dialctl]") {
  TempDir dir;
  const std::string bad = dir.file("bad.yaml", kBad);
  const Run invalid = run(kDialctl, "config check --json '" + bad + "'");
  CHECK(invalid.status == 1);
  CHECK(invalid.err.empty());
  REQUIRE(std::count(invalid.out.begin(), invalid.out.end(), '\n') == 1);
  const auto doc = boost::json::parse(invalid.out).as_object();
  CHECK(doc.at("file").as_string() == bad);
  CHECK(doc.at("ok").as_bool() == false);
  CHECK(doc.at("summary").is_null());
  const auto& errors = doc.at("errors").as_array();
  REQUIRE(errors.size() == 2);
  CHECK(errors[1].at("line").as_int64() == 6);
  CHECK(errors[1].at("column").as_int64() == 31);
  CHECK(errors[1].at("key").as_string() == "queues[0].teams[0]");
  CHECK(errors[1].at("message").as_string() == "unknown team 'salse' (did you mean 'sales'?)");

  const Run valid = run(kDialctl, "config check '" + kExample + "' --json");
  CHECK(valid.status == 0);
  const auto ok = boost::json::parse(valid.out).as_object();
  CHECK(ok.at("ok").as_bool());
  const auto& summary = ok.at("summary").as_object();
  CHECK(summary.at("backend").as_string() == "dpdk");
  CHECK(summary.at("campaigns").as_int64() == 3);
  CHECK(summary.at("queues").as_int64() == 2);
  CHECK(summary.at("agents").as_int64() == 2);
  CHECK(ok.at("warnings").as_array().size() == 1);
}

TEST_CASE("usage errors exit 2 and --help exits 0", "[dialctl]") {
  CHECK(run(kDialctl, "config check").status == 2);
  CHECK(run(kDialctl, "config check a.yaml b.yaml").status == 2);
  CHECK(run(kDialctl, "config check --strict '" + kDefault + "'").status == 2);
  CHECK(run(kDialctl, "config").status == 2);
  CHECK(run(kDialctl, "config frobnicate").status == 2);
  CHECK(run(kDialctl, "").status == 2);
  const Run help = run(kDialctl, "config check --help");
  CHECK(help.status == 0);
  CHECK_THAT(help.out, Catch::StartsWith("usage: dialctl config check FILE [--json]"));
  CHECK_THAT(run(kDialctl, "--help").out, Catch::Contains("config check FILE"));
}

TEST_CASE("dialcored --check runs the same validation", "[dialctl][dialcored]") {
  TempDir dir;
  const std::string bad = dir.file("bad.yaml", kBad);
  const Run ok = run(kDialcored, "--config '" + kExample + "' --check");
  CHECK(ok.status == 0);
  CHECK_THAT(ok.out, Catch::StartsWith("ok: " + kExample + " (dpdk, 4 workers"));
  const Run embedded = run(kDialcored, "--check");
  CHECK(embedded.status == 0);
  CHECK_THAT(embedded.out, Catch::StartsWith("ok: <embedded dialcore.yaml> (socket"));
  const Run invalid = run(kDialcored, "--config '" + bad + "' --check");
  CHECK(invalid.status == 1);
  CHECK_THAT(invalid.err, Catch::Contains(bad + ":2:3: dataplane.workrs: unknown key"));
  CHECK(run(kDialcored, "--config '" + bad + "'").status == 1);  // an invalid file never runs
}
