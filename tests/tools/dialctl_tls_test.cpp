// dialctl over HTTPS against a dialcored serving api.tls (label control): certificates made by
// the openssl CLI; the daemon's certificate verified against --cacert (or $DIALCORE_CACERT), a
// certificate for another name or an unknown CA refused (exit 3, the handshake named), and
// --insecure for labs.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "tests/control/temp_dir.hpp"
#include "tests/tools/dialctl_runner.hpp"

using namespace dialcore::test;

namespace {

int sh(const std::string& command) {
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

// A self-signed certificate for `san` (e.g. "IP:127.0.0.1").
bool make_cert(const std::string& cert, const std::string& key, const std::string& san) {
  return sh("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=dialcore-test "
            "-addext subjectAltName=" + san + " -keyout '" + key + "' -out '" + cert +
            "' 2>/dev/null") == 0;
}

}  // namespace

TEST_CASE("dialctl talks HTTPS and checks the daemon's certificate", "[dialctl][tls]") {
  if (sh("command -v openssl >/dev/null") != 0) {
    WARN("openssl missing (tools/setup installs it)");
    std::exit(77);
  }
  TempDir certs;
  const std::string cert = certs.file("cert.pem"), key = certs.file("key.pem");
  const std::string other = certs.file("other.pem"), other_key = certs.file("other.key");
  REQUIRE(make_cert(cert, key, "IP:127.0.0.1"));
  REQUIRE(make_cert(other, other_key, "DNS:example.invalid"));
  ApiFixture f(api_test_yaml("", "  tls: {cert_file: " + cert + ", key_file: " + key + "}\n"));
  REQUIRE(f.started);
  const std::string api = "--api https://127.0.0.1:" + std::to_string(f.daemon.port()) + " ";

  const Run ok = dialctl(f, api + "--cacert '" + cert + "' --json teams list");
  CHECK(ok.status == 0);
  CHECK(json_of(ok).at("total").to_number<int>() == 1);

  // Not signed by a CA it trusts: refused before any request is sent.
  const Run unknown = dialctl(f, api + "teams list");
  CHECK(unknown.status == 3);
  CHECK(unknown.err.find("TLS handshake") != std::string::npos);

  // The daemon presents a certificate for another name: the host check refuses it.
  f.daemon.stop(SIGTERM);
  ApiFixture g(api_test_yaml("", "  tls: {cert_file: " + other + ", key_file: " + other_key + "}\n"));
  REQUIRE(g.started);
  const std::string api2 = "--api https://127.0.0.1:" + std::to_string(g.daemon.port()) + " ";
  const Run wrong_name = dialctl(g, api2 + "--cacert '" + other + "' teams list");
  CHECK(wrong_name.status == 3);
  // --insecure: labs only, no checks.
  CHECK(dialctl(g, api2 + "--insecure teams list").status == 0);
  // Plain http:// to the TLS port gets no HTTP answer.
  CHECK(dialctl(g, "teams list").status == 3);
}
