// Agent security through a real dialcored's API (label agent): password policy, forced change
// at first login, lockout and unlock, TOTP enrolment and login with RFC 6238 codes, agent
// sessions and their limits (kept across restarts, as hashes only), login rate limiting.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "control/agents/totp.hpp"
#include "control/store/sqlite_store.hpp"
#include "tests/control/api/api_fixture.hpp"

using namespace dialcore::test;

namespace {

std::int64_t create_agent(HttpClient& c, const std::string& username, const std::string& password) {
  const auto team = parse_json(c.get("/api/v1/teams?name=Sales").body)
                        .as_object()
                        .at("items")
                        .as_array()[0]
                        .as_object()
                        .at("id")
                        .to_number<std::int64_t>();
  return json_id(c.post(
      "/api/v1/agents",
      R"({"username":")" + username +
          R"(","first_name":"Test","last_name":"Agent","connection_mode":"call_in","teams":[)" +
          std::to_string(team) + R"(],"password":")" + password + R"("})"));
}

std::string login_body(const std::string& user, const std::string& password,
                       const std::string& totp = "") {
  std::string b = R"({"username":")" + user + R"(","password":")" + password + "\"";
  if (!totp.empty()) b += R"(,"totp":")" + totp + "\"";
  return b + "}";
}

std::string code_for(const std::string& secret, std::int64_t unix_s) {
  const auto key = dialcore::control::agents::base32_decode(secret);
  return key ? dialcore::control::agents::totp_code(*key, unix_s, {}) : "";
}

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_CASE("password policy, forced change at first login, then an agent session", "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto admin = f.admin();
  // The policy: too short, no digit, no symbol: every problem listed.
  const auto weak = admin.post(
      "/api/v1/agents",
      R"({"username":"weak.pw","first_name":"W","last_name":"P","connection_mode":"call_in","teams":[1],"password":"short"})");
  CHECK(weak.status == 422);
  CHECK(error_code(weak) == "validation_failed");
  CHECK(weak.body.find("password") != std::string::npos);

  const std::int64_t id = create_agent(admin, "ann.agent", "Initial#Pass1");
  REQUIRE(id > 0);
  auto anon = f.anonymous();
  const auto first = anon.post("/api/v1/auth/login", login_body("ann.agent", "Initial#Pass1"));
  CHECK(first.status == 403);
  CHECK(error_code(first) == "password_change_required");
  // The forced change: wrong current password, then a weak new one, then a good one.
  CHECK(error_code(anon.post(
            "/api/v1/auth/change-password",
            R"({"username":"ann.agent","current":"Nope#Pass1","new":"Better#Pass22"})")) ==
        "bad_credentials");
  CHECK(anon.post("/api/v1/auth/change-password",
                  R"({"username":"ann.agent","current":"Initial#Pass1","new":"weak"})")
            .status == 422);
  REQUIRE(anon.post("/api/v1/auth/change-password",
                    R"({"username":"ann.agent","current":"Initial#Pass1","new":"Better#Pass22"})")
              .status == 200);
  const auto ok = anon.post("/api/v1/auth/login", login_body("ann.agent", "Better#Pass22"));
  REQUIRE(ok.status == 200);
  const std::string token(parse_json(ok.body).as_object().at("token").as_string());
  HttpClient agent(f.daemon.host(), f.daemon.port());
  agent.set_token(token);
  // An agent reads its own profile, nothing else, and writes nothing.
  CHECK(agent.get("/api/v1/agents/" + std::to_string(id)).status == 200);
  CHECK(agent.get("/api/v1/agents").status == 403);
  CHECK(agent.get("/api/v1/agents/1").status == 403);
  CHECK(agent.post("/api/v1/teams", R"({"name":"Mine"})").status == 403);
  CHECK(agent.post("/api/v1/agents/" + std::to_string(id) + "/unlock", "").status == 403);
  // The agent changes its own password with its session; the audit names the agent.
  CHECK(agent
            .post("/api/v1/agents/" + std::to_string(id) + "/password",
                  R"({"current":"Better#Pass22","new":"Third#Pass333"})")
            .status == 200);
  const auto audit = admin.get("/api/v1/audit?entity=agent&actor=agent:ann.agent");
  CHECK(json_total(audit) >= 1);
  CHECK(agent.post("/api/v1/auth/logout", "").status == 200);
  CHECK(agent.get("/api/v1/agents/" + std::to_string(id)).status == 401);
  // An admin-generated password satisfies the policy and forces a change again.
  const auto gen =
      admin.post("/api/v1/agents/" + std::to_string(id) + "/password", R"({"generate":true})");
  REQUIRE(gen.status == 200);
  const std::string generated(parse_json(gen.body).as_object().at("password").as_string());
  CHECK(error_code(anon.post("/api/v1/auth/login", login_body("ann.agent", generated))) ==
        "password_change_required");
}

TEST_CASE("lockout after wrong passwords and unlock by an admin", "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto admin = f.admin();
  const std::int64_t id = create_agent(admin, "lock.me", "Initial#Pass1");
  REQUIRE(id > 0);
  auto anon = f.anonymous();
  REQUIRE(anon.post("/api/v1/auth/change-password",
                    R"({"username":"lock.me","current":"Initial#Pass1","new":"Correct#Pass9"})")
              .status == 200);
  for (int i = 0; i < 2; ++i) {
    CHECK(error_code(anon.post("/api/v1/auth/login", login_body("lock.me", "Wrong#Pass9"))) ==
          "bad_credentials");
  }
  // The third wrong password (lockout.attempts: 3) locks the account.
  CHECK(error_code(anon.post("/api/v1/auth/login", login_body("lock.me", "Wrong#Pass9"))) ==
        "locked");
  const auto locked = anon.post("/api/v1/auth/login", login_body("lock.me", "Correct#Pass9"));
  CHECK(locked.status == 423);
  CHECK(error_code(locked) == "locked");
  CHECK(parse_json(admin.get("/api/v1/agents/" + std::to_string(id)).body)
            .as_object()
            .at("locked")
            .as_bool());
  CHECK(admin.get("/metrics").body.find(R"(dialcore_agents{state="locked"} 1)") !=
        std::string::npos);
  REQUIRE(admin.post("/api/v1/agents/" + std::to_string(id) + "/unlock", "").status == 200);
  CHECK(anon.post("/api/v1/auth/login", login_body("lock.me", "Correct#Pass9")).status == 200);
  CHECK(error_code(admin.post("/api/v1/agents/999999/unlock", "")) == "not_found");
}

TEST_CASE("TOTP enrolment and login with RFC 6238 codes through the API", "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto admin = f.admin();
  const std::int64_t id = create_agent(admin, "mfa.user", "Initial#Pass1");
  REQUIRE(id > 0);
  auto anon = f.anonymous();
  REQUIRE(anon.post("/api/v1/auth/change-password",
                    R"({"username":"mfa.user","current":"Initial#Pass1","new":"Correct#Pass9"})")
              .status == 200);
  const auto login = anon.post("/api/v1/auth/login", login_body("mfa.user", "Correct#Pass9"));
  REQUIRE(login.status == 200);
  HttpClient agent(f.daemon.host(), f.daemon.port());
  agent.set_token(std::string(parse_json(login.body).as_object().at("token").as_string()));
  const std::string base = "/api/v1/agents/" + std::to_string(id);
  const auto enrol = agent.post(base + "/mfa/enrol", "");
  REQUIRE(enrol.status == 200);
  const auto e = parse_json(enrol.body).as_object();
  const std::string secret(e.at("secret").as_string());
  CHECK(std::string(e.at("otpauth_uri").as_string()).rfind("otpauth://totp/", 0) == 0);
  CHECK(agent.post(base + "/mfa/verify", R"({"code":"000000x"})").status >= 400);
  const std::int64_t t = now_s();
  REQUIRE(
      agent.post(base + "/mfa/verify", R"({"code":")" + code_for(secret, t - 30) + "\"}").status ==
      200);
  // Now a password alone is not enough; the right code logs in, a replayed one does not.
  CHECK(error_code(anon.post("/api/v1/auth/login", login_body("mfa.user", "Correct#Pass9"))) ==
        "mfa_required");
  CHECK(error_code(anon.post("/api/v1/auth/login", login_body("mfa.user", "Correct#Pass9",
                                                              "123456x"))) == "bad_credentials");
  const std::string code = code_for(secret, now_s());
  CHECK(anon.post("/api/v1/auth/login", login_body("mfa.user", "Correct#Pass9", code)).status ==
        200);
  CHECK(anon.post("/api/v1/auth/login", login_body("mfa.user", "Correct#Pass9", code)).status ==
        401);
  // The secret never leaves through the profile.
  const auto profile = admin.get(base);
  CHECK(profile.body.find(secret) == std::string::npos);
  CHECK(parse_json(profile.body).as_object().at("mfa_enabled").as_bool());
  // An admin turns MFA off.
  CHECK(admin.del(base + "/mfa").status == 200);
}

TEST_CASE("login attempts are rate limited per client address", "[api]") {
  ApiFixture f(api_test_yaml("", "  login_rate_limit: {max_attempts: 3, window_s: 60}\n"));
  REQUIRE(f.started);
  auto anon = f.anonymous();
  for (int i = 0; i < 3; ++i) {
    CHECK(anon.post("/api/v1/auth/login", login_body("nobody", "Wrong#Pass9")).status == 401);
  }
  const auto limited = anon.post("/api/v1/auth/login", login_body("nobody", "Wrong#Pass9"));
  CHECK(limited.status == 429);
  CHECK(error_code(limited) == "rate_limited");
  CHECK(!limited.header("retry-after").empty());
  // Other routes are not limited.
  CHECK(f.admin().get("/api/v1/teams").status == 200);
}

TEST_CASE("agent sessions survive a restart, and logout, a disabled login or an admin password end them",
          "[api]") {
  ApiFixture f;
  REQUIRE(f.started);
  auto admin = f.admin();
  const std::int64_t id = create_agent(admin, "kept.session", "Initial#Pass1");
  REQUIRE(id > 0);
  REQUIRE(f.anonymous()
              .post("/api/v1/auth/change-password",
                    R"({"username":"kept.session","current":"Initial#Pass1","new":"Kept#Pass123"})")
              .status == 200);
  // A fresh client each time: the daemon's port changes at each start.
  const auto as = [&](const std::string& token) {
    HttpClient c(f.daemon.host(), f.daemon.port());
    c.set_token(token);
    return c;
  };
  const auto login = [&] {
    const auto r =
        f.anonymous().post("/api/v1/auth/login", login_body("kept.session", "Kept#Pass123"));
    REQUIRE(r.status == 200);
    return std::string(parse_json(r.body).as_object().at("token").as_string());
  };
  const std::string me = "/api/v1/agents/" + std::to_string(id);
  const std::string first = login();
  const std::string second = login();
  REQUIRE(as(first).get(me).status == 200);

  // An orderly restart and a kill -9: both sessions still open the agent's profile.
  CHECK(f.daemon.stop() == 0);
  REQUIRE(f.daemon.start());
  CHECK(as(first).get(me).status == 200);
  CHECK(as(second).get(me).status == 200);
  CHECK(f.daemon.stop(9) == 128 + 9);
  REQUIRE(f.daemon.start());
  CHECK(as(first).get(me).status == 200);
  CHECK(f.admin().get("/metrics").body.find(R"(dialcore_agents{state="logged_in"} 2)") !=
        std::string::npos);

  // The database holds hashes, never a token.
  {
    dialcore::control::store::SqliteOptions o;
    o.path = (f.daemon.dir() / "data" / "dialcore.sqlite").string();
    auto st = dialcore::control::store::open_sqlite_store(o);
    REQUIRE(st.ok());
    auto rows = (*st)->sessions().live(0);
    REQUIRE(rows.ok());
    CHECK(rows->size() == 2);
    for (const auto& row : *rows) {
      CHECK(row.agent_id == id);
      CHECK(row.token_hash.size() == 64);
      CHECK(row.token_hash.find(first.substr(4, 16)) == std::string::npos);
      CHECK(row.token_hash.find(second.substr(4, 16)) == std::string::npos);
    }
  }

  // A logout ends that session only, and it stays ended after a restart.
  CHECK(as(first).post("/api/v1/auth/logout", "").status == 200);
  CHECK(f.daemon.stop() == 0);
  REQUIRE(f.daemon.start());
  CHECK(as(first).get(me).status == 401);
  CHECK(as(second).get(me).status == 200);

  // An admin disabling the login ends every session of the agent.
  REQUIRE(f.admin().patch(me, R"({"login_enabled":false})").status == 200);
  CHECK(as(second).get(me).status == 401);
  REQUIRE(f.admin().patch(me, R"({"login_enabled":true})").status == 200);
  const std::string third = login();
  REQUIRE(as(third).get(me).status == 200);
  // A password set by an admin ends them too; neither comes back with a restart.
  REQUIRE(f.admin().post(me + "/password", R"({"generate":true})").status == 200);
  CHECK(as(third).get(me).status == 401);
  CHECK(f.daemon.stop() == 0);
  REQUIRE(f.daemon.start());
  CHECK(as(second).get(me).status == 401);
  CHECK(as(third).get(me).status == 401);
  CHECK(f.admin().get("/metrics").body.find("dialcore_api_session_store_errors_total 0") !=
        std::string::npos);
}
