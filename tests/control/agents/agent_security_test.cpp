// Login security with injected time: forced change at first login, lockout and unlock,
// inactivity, TOTP enrolment and login with replay refused, every change audited.
#include <catch2/catch.hpp>

#include "control/agents/totp.hpp"
#include "tests/control/agents/agent_fixture.hpp"

using namespace dialcore::control;
using agents::LoginStatus;
using dialcore::test::AgentWorld;
using dialcore::test::kAdmin;

namespace {

constexpr std::int64_t kDay = 86'400'000;
const std::int64_t kT0 = kAdmin.at_ms;
constexpr const char* kPass = "Secr3t!pass";
constexpr const char* kNewPass = "N3w-Password!";

LoginStatus login(AgentWorld& w, const std::string& user, const std::string& pw, std::int64_t now,
                  std::optional<std::string> code = std::nullopt) {
  auto r = w.service.login(user, pw, code, now);
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return r->status;
}

std::string code_at(const std::string& secret, std::int64_t now_ms) {
  return agents::totp_code(*agents::base32_decode(secret), now_ms / 1000, {});
}

}  // namespace

TEST_CASE("first login demands a password change - the agent changes it and logs in") {
  AgentWorld w;
  const auto a = w.created("newbie");
  CHECK(login(w, "newbie", kPass, kT0 + 1) == LoginStatus::PasswordChangeRequired);
  CHECK(login(w, "NEWBIE", kPass, kT0 + 2) ==
        LoginStatus::PasswordChangeRequired);  // case-insensitive
  // Policy and "must differ" apply to the agent's own change.
  auto weak = w.service.change_password(a.id, kPass, "weak", kT0 + 3);
  CHECK(weak.code() == store::Errc::Invalid);
  CHECK(w.service.change_password(a.id, kPass, kPass, kT0 + 3).code() == store::Errc::Invalid);
  auto wrong = w.service.change_password(a.id, "not it", kNewPass, kT0 + 3);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().fields.front().field == "current_password");
  REQUIRE(w.service.change_password(a.id, kPass, kNewPass, kT0 + 4).ok());
  CHECK(login(w, "newbie", kNewPass, kT0 + 5) == LoginStatus::Ok);
  CHECK(login(w, "newbie", kPass, kT0 + 6) == LoginStatus::BadCredentials);
  const auto after = *w.service.get(a.id);
  CHECK_FALSE(after.must_change_password);
  CHECK(after.password_changed_at_ms == kT0 + 4);
  CHECK(after.failed_attempts == 1);
  // An admin reset forces a change again.
  REQUIRE(w.service.set_password(a.id, "Adm1n-Set!pw", {"admin:root", kT0 + 7}).ok());
  CHECK(login(w, "newbie", "Adm1n-Set!pw", kT0 + 8) == LoginStatus::PasswordChangeRequired);
  CHECK(w.service.set_password(a.id, "newbie-Pass1!", kAdmin).code() ==
        store::Errc::Invalid);  // contains username
  // Unknown users and agents without a password are just bad credentials.
  CHECK(login(w, "nobody", kPass, kT0) == LoginStatus::BadCredentials);
  REQUIRE(w.service.create(w.draft("nopass"), std::nullopt, kAdmin).ok());
  CHECK(login(w, "nopass", "", kT0) == LoginStatus::BadCredentials);
}

TEST_CASE("N wrong passwords lock the account until an admin unlocks it") {
  AgentWorld w;  // default policy: 5 attempts, no automatic unlock
  const auto a = w.created("fumbles");
  for (int i = 1; i <= 4; ++i)
    CHECK(login(w, "fumbles", "wrong", kT0 + i) == LoginStatus::BadCredentials);
  CHECK(w.service.get(a.id)->failed_attempts == 4);
  CHECK(login(w, "fumbles", "wrong", kT0 + 5) == LoginStatus::Locked);
  const auto locked = *w.service.get(a.id);
  CHECK(locked.locked);
  CHECK(locked.locked_at_ms == kT0 + 5);
  // Locked: even the right password is refused, however much later.
  CHECK(login(w, "fumbles", kPass, kT0 + 365 * kDay) == LoginStatus::Locked);
  REQUIRE(w.service.unlock(a.id, {"admin:sue", kT0 + 10}).ok());
  CHECK(login(w, "fumbles", kPass, kT0 + 11) == LoginStatus::PasswordChangeRequired);
  CHECK(w.service.get(a.id)->failed_attempts == 0);

  store::Query q;
  q.all.push_back({"entity_id", store::Match::Equals, a.id});
  q.all.push_back({"actor", store::Match::Equals, std::string("admin:sue")});
  auto unlock_audit = w.db->audit().list(q);
  REQUIRE(unlock_audit->size() == 1);
  CHECK(unlock_audit->front().before_json.find("\"locked\":true") != std::string::npos);
  CHECK(unlock_audit->front().after_json.find("\"locked\":false") != std::string::npos);
}

TEST_CASE("a lockout period, when configured, ends by itself") {
  AgentWorld w;
  auto policy = dialcore::test::cheap_policy();
  policy.max_failed_attempts = 2;
  policy.lockout_ms = 15 * 60'000;
  agents::AgentService service(*w.db, policy);
  auto created = service.create(w.draft("timed"), std::string(kPass), kAdmin);
  REQUIRE(created.ok());
  auto status = [&](const char* pw, std::int64_t now) {
    return service.login("timed", pw, std::nullopt, now)->status;
  };
  CHECK(status("x", kT0) == LoginStatus::BadCredentials);
  CHECK(status("x", kT0 + 1) == LoginStatus::Locked);
  CHECK(status(kPass, kT0 + 15 * 60'000) == LoginStatus::Locked);  // 1 ms short
  CHECK(status(kPass, kT0 + 1 + 15 * 60'000) == LoginStatus::PasswordChangeRequired);
}

TEST_CASE("no login for the inactivity period disables login - an admin re-enables") {
  AgentWorld w;  // 90 days
  const auto idle = w.created("idle");
  const auto busy = w.created("busy");
  REQUIRE(w.service.change_password(busy.id, kPass, kNewPass, kT0 + 80 * kDay).ok());
  CHECK(login(w, "busy", kNewPass, kT0 + 80 * kDay) == LoginStatus::Ok);
  CHECK(*w.service.disable_inactive(kT0 + 90 * kDay) == 0);  // exactly 90 days is not "more than"
  CHECK(*w.service.disable_inactive(kT0 + 91 * kDay) == 1);
  const auto disabled = *w.service.get(idle.id);
  CHECK_FALSE(disabled.login_enabled);
  CHECK(disabled.disabled_reason == "inactivity");
  CHECK(w.service.get(busy.id)->login_enabled);
  CHECK(login(w, "idle", kPass, kT0 + 91 * kDay) == LoginStatus::Disabled);
  // The login path applies the same rule without waiting for the sweep.
  CHECK(login(w, "busy", kNewPass, kT0 + 171 * kDay) == LoginStatus::Disabled);
  CHECK(w.service.get(busy.id)->disabled_reason == "inactivity");

  auto again = disabled;
  again.login_enabled = true;
  REQUIRE(w.service.update(again, {"admin:amy", kT0 + 200 * kDay}).ok());
  CHECK(login(w, "idle", kPass, kT0 + 200 * kDay + 1) == LoginStatus::PasswordChangeRequired);

  store::Query q;
  q.all.push_back({"actor", store::Match::Equals, std::string("system")});
  CHECK(*w.db->audit().count(q) == 2);
}

TEST_CASE("TOTP: enrol, confirm, then login needs a fresh code within one step") {
  AgentWorld w;
  const auto a = w.created("mfa.user");
  REQUIRE(w.service.change_password(a.id, kPass, kNewPass, kT0).ok());
  auto enrolment = w.service.begin_totp(a.id, kAdmin);
  REQUIRE(enrolment.ok());
  const std::string secret = enrolment->secret_base32;
  CHECK(enrolment->otpauth_uri.find("secret=" + secret) != std::string::npos);
  // Not required until confirmed.
  CHECK(login(w, "mfa.user", kNewPass, kT0 + 1000) == LoginStatus::Ok);
  const std::int64_t t = kT0 + 10'000;
  CHECK(w.service.confirm_totp(a.id, "000000", {"agent:mfa.user", t}).code() ==
        store::Errc::Invalid);
  REQUIRE(w.service.confirm_totp(a.id, code_at(secret, t), {"agent:mfa.user", t}).ok());
  CHECK(w.service.get(a.id)->mfa_enabled);

  const std::int64_t t2 = t + 120'000;  // four steps later
  CHECK(login(w, "mfa.user", kNewPass, t2) == LoginStatus::MfaRequired);
  CHECK(login(w, "mfa.user", kNewPass, t2, std::string("123456")) == LoginStatus::BadCredentials);
  CHECK(login(w, "mfa.user", kNewPass, t2, code_at(secret, t2 - 60'000)) ==
        LoginStatus::BadCredentials);
  CHECK(login(w, "mfa.user", kNewPass, t2, code_at(secret, t2 - 30'000)) ==
        LoginStatus::Ok);  // one step late
  // The same code again (replay), and the code of the same step, are refused.
  CHECK(login(w, "mfa.user", kNewPass, t2, code_at(secret, t2 - 30'000)) ==
        LoginStatus::BadCredentials);
  CHECK(login(w, "mfa.user", kNewPass, t2 + 1, code_at(secret, t2 - 30'000)) ==
        LoginStatus::BadCredentials);
  CHECK(login(w, "mfa.user", kNewPass, t2, code_at(secret, t2)) == LoginStatus::Ok);
  // Wrong codes count toward the lockout like wrong passwords.
  CHECK(w.service.get(a.id)->failed_attempts == 0);
  CHECK(login(w, "mfa.user", kNewPass, t2, std::string("999999")) == LoginStatus::BadCredentials);
  CHECK(w.service.get(a.id)->failed_attempts == 1);
  // The secret never reaches the audit log.
  store::Query q;
  q.all.push_back({"entity_id", store::Match::Equals, a.id});
  for (const auto& e : *w.db->audit().list(q)) {
    CHECK(e.after_json.find(secret) == std::string::npos);
    CHECK(e.before_json.find(secret) == std::string::npos);
  }
  REQUIRE(w.service.disable_totp(a.id, kAdmin).ok());
  CHECK(login(w, "mfa.user", kNewPass, t2 + 60'000) == LoginStatus::Ok);
}
