// Bad input to a real dialcored: malformed JSON, wrong types, unknown fields, oversized bodies,
// SQL-looking searches, bad tokens, malformed HTTP. Every answer is a 4xx JSON error with a
// stable code, never a 5xx or a crash (label control).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/control/api/api_fixture.hpp"

using namespace dialcore::test;

TEST_CASE("bad tokens and roles get 401 and 403 JSON errors", "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto anon = f.anonymous();
  CHECK(error_code(anon.get("/api/v1/agents")) == "unauthorized");
  CHECK(anon.get("/api/v1/agents").status == 401);
  HttpClient wrong(f.daemon.host(), f.daemon.port());
  wrong.set_token(std::string(kAdminToken) + "x");
  CHECK(wrong.get("/api/v1/teams").status == 401);
  wrong.set_token("");
  CHECK(wrong.request("GET", "/api/v1/teams").status == 401);
  // A prefix of the right token is not the token.
  wrong.set_token(std::string(kAdminToken).substr(0, 10));
  CHECK(wrong.get("/api/v1/teams").status == 401);
  CHECK(anon.post("/api/v1/auth/logout", "").status == 401);
}

TEST_CASE("malformed JSON, wrong types and unknown fields are 400 with stable codes", "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto c = f.admin();
  struct Case {
    std::string target, method, body, code;
  };
  const std::vector<Case> cases = {
      {"/api/v1/teams", "POST", "{\"name\":", "malformed_json"},
      {"/api/v1/teams", "POST", "[1,2,3]", "expected_object"},
      {"/api/v1/teams", "POST", "\"just a string\"", "expected_object"},
      {"/api/v1/teams", "POST", R"({"name":42})", "wrong_type"},
      {"/api/v1/teams", "POST", R"({"name":"x","colour":"red"})", "unknown_field"},
      {"/api/v1/teams", "POST", R"({"name":"x","id":5})", "unknown_field"},
      {"/api/v1/queues", "POST", R"({"name":"q","ring_timeout_s":"20"})", "wrong_type"},
      {"/api/v1/queues", "POST", R"({"name":"q","ring_timeout_s":1e400})", "wrong_type"},
      {"/api/v1/queues", "POST", R"({"name":"q","ring_timeout_s":18446744073709551615})",
       "wrong_type"},
      {"/api/v1/campaigns", "POST", R"({"name":"c","active":"yes"})", "wrong_type"},
      {"/api/v1/agents", "POST",
       R"({"username":"u1","first_name":"A","last_name":"B","teams":"sales"})", "wrong_type"},
      {"/api/v1/agents", "POST",
       R"({"username":"u1","first_name":"A","last_name":"B","connection_mode":"fax"})",
       "wrong_type"},
      {"/api/v1/agents", "POST", R"({"username":"u1","password_hash":"x"})", "unknown_field"},
      {"/api/v1/agents", "POST", R"({"username":"u1","locked":false})", "unknown_field"},
      {"/api/v1/agents", "POST", R"({"username":"bad user!","first_name":"A","last_name":"B"})",
       "validation_failed"},
      {"/api/v1/agents", "POST", std::string(5000, '['), "malformed_json"},
      {"/api/v1/teams?limit=0", "GET", "", "bad_query"},
      {"/api/v1/teams?limit=abc", "GET", "", "bad_query"},
      {"/api/v1/teams?colour=red", "GET", "", "unknown_parameter"},
      {"/api/v1/teams?order=name;DROP", "GET", "", "bad_query"},
      {"/api/v1/agents?status=maybe", "GET", "", "bad_query"},
      {"/api/v1/agents?shoe_size=9", "GET", "", "unknown_parameter"},
      {"/api/v1/teams/abc", "GET", "", "not_found"},
      {"/api/v1/teams/-1", "GET", "", "not_found"},
      {"/api/v1/teams/99999999999999999999", "GET", "", "not_found"},
      {"/api/v1/nothing", "GET", "", "no_route"},
      {"/api/v1/teams", "PUT", "{}", "method_not_allowed"},
      {"/api/v1/teams?q=%zz", "GET", "", "bad_target"},
      {"/api/v1/auth/login", "POST", R"({"username":1,"password":"x"})", "wrong_type"},
      {"/api/v1/auth/login", "POST", R"({"username":"a"})", "missing_field"},
  };
  for (const auto& k : cases) {
    INFO(k.method << " " << k.target << " " << k.body.substr(0, 80));
    const auto r = c.request(k.method, k.target, k.body);
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
    CHECK(error_code(r) == k.code);
  }
  CHECK(f.anonymous().get("/api/v1/health").status == 200);
}

TEST_CASE("SQL-looking search strings match literally and break nothing", "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto c = f.admin();
  REQUIRE(c.post("/api/v1/teams", R"({"name":"100% Sales_Team"})").status == 201);
  const std::vector<std::string> nasty = {
      "%27%20OR%20%271%27%3D%271",            // ' OR '1'='1
      "x%27%3B%20DROP%20TABLE%20teams%3B--",  // x'; DROP TABLE teams;--
      "%25",                                  // %
      "_",
      "%5C",  // backslash
      "%22%29%20UNION%20SELECT%20password_hash%20FROM%20agents--",
  };
  for (const auto& q : nasty) {
    INFO(q);
    for (const std::string res : {"teams", "agents", "queues", "wrap-codes"}) {
      const auto r = c.get("/api/v1/" + res + "?q=" + q);
      CHECK(r.status == 200);
    }
  }
  // Wildcards are literal: '%' matches only the team that has one.
  CHECK(json_total(c.get("/api/v1/teams?q=%25")) == 1);
  CHECK(json_total(c.get("/api/v1/teams?q=_")) == 1);
  CHECK(json_total(c.get("/api/v1/teams?name=%27%20OR%201%3D1--")) == 0);
  CHECK(json_total(c.get("/api/v1/teams")) == 2);  // nothing dropped
}

TEST_CASE("oversized bodies are 413 and malformed HTTP is 400 and the daemon keeps serving",
          "[api]") {
  ApiFixture f(api_test_yaml("", "  max_body_bytes: 4096\n"));
  REQUIRE(f.started);
  auto c = f.admin();
  const std::string big = R"({"name":")" + std::string(8000, 'a') + R"("})";
  const auto r = c.post("/api/v1/teams", big);
  CHECK(r.status == 413);
  CHECK(error_code(r) == "body_too_large");
  CHECK(c.request("POST", "/api/v1/teams/import", std::string(10000, 'x'), "text/csv").status ==
        413);
  auto anon = f.anonymous();
  CHECK(anon.raw("GARBAGE\r\n\r\n").rfind("HTTP/1.1 400", 0) == 0);
  CHECK(anon.raw("GET /api/v1/health HTTP/1.1\r\nContent-Length: -5\r\n\r\n")
            .rfind("HTTP/1.1 400", 0) == 0);
  const std::string huge_header =
      "GET /api/v1/health HTTP/1.1\r\nX-A: " + std::string(40000, 'b') + "\r\n\r\n";
  CHECK(anon.raw(huge_header).rfind("HTTP/1.1 431", 0) == 0);
  CHECK(anon.get("/api/v1/health").status == 200);
  CHECK(c.post("/api/v1/teams", R"({"name":"Small"})").status == 201);
}
