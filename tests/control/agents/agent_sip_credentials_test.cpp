// Agents' SIP handset credentials (issue 7): the password an admin gives becomes HA1 =
// MD5(username:realm:password) and is never stored, echoed or audited; the registrar's
// snapshot lists only enabled agents with credentials.
#include <catch2/catch.hpp>

#include "control/store/sip_ha1.hpp"
#include "tests/control/agents/agent_fixture.hpp"

using namespace dialcore::control;
using dialcore::test::AgentWorld;
using dialcore::test::kAdmin;

TEST_CASE("sip_ha1 matches the RFC 2617 example and changes with each part") {
  // RFC 2617 3.5: Mufasa / testrealm@host.com / "Circle Of Life".
  CHECK(store::sip_ha1("Mufasa", "testrealm@host.com", "Circle Of Life") ==
        "939e7578ed9e3c518a452acee763bce9");
  const auto base = store::sip_ha1("u", "r", "p");
  CHECK(base.size() == 32);
  CHECK(store::sip_ha1("v", "r", "p") != base);
  CHECK(store::sip_ha1("u", "s", "p") != base);
  CHECK(store::sip_ha1("u", "r", "q") != base);
}

TEST_CASE("a SIP password given on create is stored as HA1 only, never echoed or audited") {
  AgentWorld w;
  auto draft = w.draft("hana.sato");
  draft.sip_username = "hana";
  draft.sip_password = "handset-pass-1";
  auto made = w.service.create(draft, std::string("Secr3t!pass"), kAdmin);
  REQUIRE(made.ok());
  CHECK(made->sip_password.empty());
  const std::string expected =
      store::sip_ha1("hana", w.service.policy().sip_realm, "handset-pass-1");
  CHECK(made->sip_ha1 == expected);
  auto stored = w.db->agents().get(made->id);
  REQUIRE(stored.ok());
  CHECK(stored->sip_password.empty());
  CHECK(stored->sip_ha1 == expected);
  const auto shown = agents::redacted(*stored);
  CHECK(shown.sip_ha1.empty());
  CHECK(shown.sip_password.empty());
  auto audit = w.db->audit().list({});
  REQUIRE(audit.ok());
  for (const auto& entry : *audit) {
    CHECK(entry.after_json.find("handset-pass-1") == std::string::npos);
    CHECK(entry.after_json.find(expected) == std::string::npos);
  }
}

TEST_CASE("SIP credentials on update: kept, replaced, refused when the username changes alone") {
  AgentWorld w;
  auto draft = w.draft("ivan.p");
  draft.sip_username = "ivan";
  draft.sip_password = "first-pass";
  auto a = w.service.create(draft, std::string("Secr3t!pass"), kAdmin);
  REQUIRE(a.ok());
  const std::string first = a->sip_ha1;

  // A profile edit without a password keeps the HA1; a forged HA1 is ignored.
  auto edit = *a;
  edit.alias = "Vanya";
  edit.sip_ha1 = std::string(32, '0');
  auto kept = w.service.update(edit, kAdmin);
  REQUIRE(kept.ok());
  CHECK(kept->sip_ha1 == first);

  // A new password replaces it.
  auto change = *kept;
  change.sip_password = "second-pass";
  auto replaced = w.service.update(change, kAdmin);
  REQUIRE(replaced.ok());
  CHECK(replaced->sip_ha1 == store::sip_ha1("ivan", w.service.policy().sip_realm, "second-pass"));
  CHECK(replaced->sip_password.empty());

  // HA1 covers the username: renaming without a password is refused, with one accepted.
  auto rename = *replaced;
  rename.sip_username = "ivan2";
  auto refused = w.service.update(rename, kAdmin);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == store::Errc::Invalid);
  REQUIRE(refused.error().fields.size() == 1);
  CHECK(refused.error().fields.front().field == "sip_password");
  rename.sip_password = "third-pass";
  auto renamed = w.service.update(rename, kAdmin);
  REQUIRE(renamed.ok());
  CHECK(renamed->sip_ha1 == store::sip_ha1("ivan2", w.service.policy().sip_realm, "third-pass"));

  // No username: no credentials; a password without a username is refused.
  auto cleared = *renamed;
  cleared.sip_username.clear();
  auto none = w.service.update(cleared, kAdmin);
  REQUIRE(none.ok());
  CHECK(none->sip_ha1.empty());
  auto orphan = *none;
  orphan.sip_password = "lonely";
  CHECK_FALSE(w.service.update(orphan, kAdmin).ok());
}

TEST_CASE("the registrar snapshot lists enabled agents with SIP credentials only") {
  AgentWorld w;
  auto with = [&](const std::string& name, const std::string& sip_user, bool enabled) {
    auto d = w.draft(name);
    d.sip_username = sip_user;
    if (!sip_user.empty()) d.sip_password = "pw-" + sip_user;
    d.login_enabled = enabled;
    auto r = w.service.create(d, std::string("Secr3t!pass"), kAdmin);
    REQUIRE(r.ok());
  };
  with("agent.one", "one", true);
  with("agent.two", "two", false);  // disabled: cannot register
  with("agent.three", "", true);    // no handset
  with("agent.four", "four", true);
  auto creds = w.service.sip_credentials();
  REQUIRE(creds.ok());
  const std::string& realm = w.service.policy().sip_realm;
  CHECK(*creds ==
        std::vector<agents::SipCredential>{{"one", store::sip_ha1("one", realm, "pw-one")},
                                           {"four", store::sip_ha1("four", realm, "pw-four")}});
}

TEST_CASE("the realm comes from the policy (config sip.realm)") {
  AgentWorld w;
  auto policy = dialcore::test::cheap_policy();
  policy.sip_realm = "pbx.example";
  agents::AgentService service(*w.db, policy);
  auto d = w.draft("realm.user");
  d.sip_username = "ru";
  d.sip_password = "pw";
  auto r = service.create(d, std::nullopt, kAdmin);
  REQUIRE(r.ok());
  CHECK(r->sip_ha1 == store::sip_ha1("ru", "pbx.example", "pw"));
  CHECK(r->sip_ha1 != store::sip_ha1("ru", "dialcore", "pw"));
}
