// The API over TLS (api.tls): a self-signed certificate made by the openssl CLI, dialcored
// serving HTTPS on a kernel-chosen port, curl as the client checking the certificate; plain
// HTTP to the TLS port gets no answer (label control).
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/control/api/api_fixture.hpp"
#include "tests/control/temp_dir.hpp"

using namespace dialcore::test;

namespace {

int sh(const std::string& command) {
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("the API serves HTTPS with the configured certificate", "[api]") {
  if (sh("command -v openssl >/dev/null && command -v curl >/dev/null") != 0) {
    WARN("openssl or curl missing (tools/setup installs them)");
    std::exit(77);
  }
  TempDir certs;
  const std::string cert = certs.file("cert.pem"), key = certs.file("key.pem");
  REQUIRE(sh("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
             key + "' -out '" + cert + "' 2>/dev/null") == 0);
  ApiFixture f(api_test_yaml("", "  tls: {cert_file: " + cert + ", key_file: " + key + "}\n"));
  REQUIRE(f.started);
  const std::string base = "https://127.0.0.1:" + std::to_string(f.daemon.port());
  const std::string out = certs.file("out");
  // The client verifies the server against the certificate it was given.
  CHECK(sh("curl -s --max-time 10 --cacert '" + cert + "' -H 'Authorization: Bearer " +
           kAdminToken + "' " + base + "/api/v1/teams >'" + out + "'") == 0);
  CHECK(json_total(HttpReply{200, slurp(out), {}}) == 1);
  CHECK(sh("curl -s --max-time 10 --cacert '" + cert + "' -o /dev/null -w '%{http_code}' " + base +
           "/api/v1/agents >'" + out + "'") == 0);
  CHECK(slurp(out) == "401");
  // Plain HTTP to the TLS port: no HTTP answer, and the daemon keeps serving.
  CHECK(f.anonymous().get("/api/v1/health").status == 0);
  CHECK(sh("curl -s --max-time 10 --cacert '" + cert + "' " + base + "/api/v1/health >'" + out +
           "'") == 0);
  CHECK(slurp(out).find("\"ok\"") != std::string::npos);
}

TEST_CASE("dialcored refuses to start with an unreadable TLS key", "[api]") {
  ApiFixture f(api_test_yaml(
      "", "  tls: {cert_file: /nonexistent/cert.pem, key_file: /nonexistent/key.pem}\n"));
  CHECK_FALSE(f.started);
  CHECK(f.daemon.stderr_text().find("api.tls.cert_file") != std::string::npos);
}
