// CRUD, optimistic concurrency and audit for every store entity, and restart persistence.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "tests/control/store/store_fixture.hpp"

using namespace dialcore::control::store;
using dialcore::test::kAdmin;
using dialcore::test::open_store;
using dialcore::test::sample_agent;
using dialcore::test::TempDir;

namespace {

// Create, read back, update, refuse a stale update, delete, and check the audit trail.
template <class T>
void exercise(Store& store, Repository<T>& repo, T record, const std::function<void(T&)>& mutate) {
  REQUIRE(repo.create(record, kAdmin).ok());
  CHECK(record.id > 0);
  CHECK(record.version == 1);
  auto read = repo.get(record.id);
  REQUIRE(read.ok());
  CHECK(*read == record);

  T stale = *read;
  mutate(record);
  REQUIRE(repo.update(record, kAdmin).ok());
  CHECK(record.version == 2);
  auto reread = repo.get(record.id);
  REQUIRE(reread.ok());
  CHECK(*reread == record);

  mutate(stale);
  auto lost = repo.update(stale, kAdmin);
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.code() == Errc::Conflict);
  CHECK(*repo.get(record.id) == record);  // the stale write changed nothing

  Query q;
  q.all.push_back({"id", Match::Equals, record.id});
  CHECK(*repo.count(q) == 1);
  REQUIRE(repo.remove(record.id, kAdmin).ok());
  CHECK(repo.get(record.id).code() == Errc::NotFound);
  CHECK(repo.remove(record.id, kAdmin).code() == Errc::NotFound);
  T ghost = record;
  CHECK(repo.update(ghost, kAdmin).code() == Errc::NotFound);

  Query audit;
  audit.all.push_back({"entity", Match::Equals, std::string(T::kEntity)});
  audit.all.push_back({"entity_id", Match::Equals, record.id});
  auto trail = store.audit().list(audit);
  REQUIRE(trail.ok());
  if constexpr (T::kAudited) {
    REQUIRE(trail->size() == 3);
    CHECK((*trail)[0].action == "create");
    CHECK((*trail)[0].before_json.empty());
    CHECK((*trail)[1].action == "update");
    CHECK((*trail)[1].before_json != (*trail)[1].after_json);
    CHECK((*trail)[2].action == "delete");
    CHECK((*trail)[2].after_json.empty());
    for (const auto& e : *trail) CHECK(e.actor == kAdmin.name);
  } else {
    CHECK(trail->empty());
  }
}

}  // namespace

TEST_CASE("every entity: create, get, update with version, stale update refused, delete, audit") {
  TempDir dir;
  auto store = open_store(dir.file("dialcore.db"));
  Campaign base_campaign;
  base_campaign.name = "Renewals";
  REQUIRE(store->campaigns().create(base_campaign, kAdmin).ok());
  Lead base_lead;
  base_lead.campaign_id = base_campaign.id;
  base_lead.phone1 = "447700900001";
  REQUIRE(store->leads().create(base_lead, kAdmin).ok());

  SECTION("team") {
    Team t;
    t.name = "Sales";
    exercise<Team>(*store, store->teams(), t, [](Team& x) { x.description += " north"; });
  }
  SECTION("queue") {
    Queue q;
    q.name = "Support";
    exercise<Queue>(*store, store->queues(), q, [](Queue& x) {
      x.ring_timeout_s += 5;
      x.strategy = "ring_all";
    });
  }
  SECTION("campaign") {
    Campaign c;
    c.name = "Winback";
    c.dial_mode = "predictive";
    exercise<Campaign>(*store, store->campaigns(), c, [](Campaign& x) {
      x.active = !x.active;
      x.max_attempts += 1;
    });
  }
  SECTION("pause reason") {
    PauseReason p;
    p.name = "Lunch";
    p.code = "LUN";
    exercise<PauseReason>(*store, store->pause_reasons(), p,
                          [](PauseReason& x) { x.paid = !x.paid; });
  }
  SECTION("wrap code") {
    WrapCode w;
    w.name = "Sale";
    w.code = "SALE";
    w.campaign_id = base_campaign.id;
    exercise<WrapCode>(*store, store->wrap_codes(), w,
                       [](WrapCode& x) { x.schedules_callback = !x.schedules_callback; });
  }
  SECTION("agent, with assignments") {
    Team team;
    team.name = "Blue";
    REQUIRE(store->teams().create(team, kAdmin).ok());
    Queue queue;
    queue.name = "Billing";
    REQUIRE(store->queues().create(queue, kAdmin).ok());
    Agent a = sample_agent("ada");
    a.teams = {team.id};
    a.queues = {queue.id};
    a.campaigns = {{base_campaign.id, Priority::High}};
    exercise<Agent>(*store, store->agents(), a, [&](Agent& x) {
      x.last_name += "-King";
      x.connection_mode = ConnectionMode::CallIn;
      x.campaigns = {{base_campaign.id, Priority::Low}};
      x.teams.clear();
    });
  }
  SECTION("lead") {
    Lead l;
    l.campaign_id = base_campaign.id;
    l.phone1 = "447700900002";
    l.next_call_at_ms = 5;
    exercise<Lead>(*store, store->leads(), l, [](Lead& x) {
      x.attempts += 1;
      x.next_call_at_ms.reset();
      x.status = "done";
    });
  }
  SECTION("attempt") {
    Attempt t;
    t.lead_id = base_lead.id;
    t.campaign_id = base_campaign.id;
    t.phone = base_lead.phone1;
    t.started_at_ms = 100;
    exercise<Attempt>(*store, store->attempts(), t, [](Attempt& x) {
      x.outcome = "busy";
      x.ended_at_ms = 200;
    });
  }
  SECTION("disposition") {
    Disposition d;
    d.lead_id = base_lead.id;
    d.wrap_code = "SALE";
    d.created_at_ms = 1;
    exercise<Disposition>(*store, store->dispositions(), d,
                          [](Disposition& x) { x.notes = "called back"; });
  }
  SECTION("callback") {
    Callback c;
    c.lead_id = base_lead.id;
    c.campaign_id = base_campaign.id;
    c.due_at_ms = 1000;
    c.phone = base_lead.phone1;
    exercise<Callback>(*store, store->callbacks(), c, [](Callback& x) { x.status = "done"; });
  }
  SECTION("cdr") {
    Cdr c;
    c.call_id = "call-1";
    c.started_at_ms = 10;
    exercise<Cdr>(*store, store->cdrs(), c, [](Cdr& x) {
      x.ended_at_ms = 20;
      x.hangup_cause = "normal_clearing";
    });
  }
  SECTION("recording") {
    Recording r;
    r.call_id = "call-1";
    r.path = "/var/lib/dialcore/rec/call-1.wav";
    r.format = "wav";
    exercise<Recording>(*store, store->recordings(), r, [](Recording& x) {
      x.duration_ms = 65000;
      x.size_bytes = 1040000;
      // Schema v5: the index's own columns.
      x.leg = "a";
      x.campaign = "spring";
      x.agent = "7";
      x.ended_at_ms = 66000;
      x.state = "truncated_disk_full";
      x.markers_json = R"([{"kind":"pause","offset_ms":1000,"text":""}])";
      x.sha256 = std::string(64, 'a');
    });
    Recording bad = r;
    bad.path = "/var/lib/dialcore/rec/call-2.wav";
    bad.state = "lost";  // not a state: CHECK
    CHECK(store->recordings().create(bad, kAdmin).code() == Errc::Constraint);
    bad.state = "complete";
    bad.markers_json = "not json";
    CHECK(store->recordings().create(bad, kAdmin).code() == Errc::Constraint);
  }
  REQUIRE(store->check_integrity().ok());
}

TEST_CASE("unique keys, references and CHECK constraints are errors, not crashes") {
  TempDir dir;
  auto store = open_store(dir.file("dialcore.db"));
  Team a;
  a.name = "Alpha";
  REQUIRE(store->teams().create(a, kAdmin).ok());
  Team dup;
  dup.name = "ALPHA";  // names are unique without regard to case
  CHECK(store->teams().create(dup, kAdmin).code() == Errc::Duplicate);

  Agent agent = sample_agent("bob");
  agent.teams = {a.id, 9999};  // 9999 does not exist
  CHECK(store->agents().create(agent, kAdmin).code() == Errc::Constraint);
  Query all;
  CHECK(*store->agents().count(all) == 0);  // the half-written agent was rolled back
  CHECK(*store->audit().count(all) == 1);   // only team Alpha's creation

  agent.teams = {a.id};
  REQUIRE(store->agents().create(agent, kAdmin).ok());
  Agent twin = sample_agent("BOB");
  CHECK(store->agents().create(twin, kAdmin).code() == Errc::Duplicate);
  // A team with members cannot be deleted; the agent keeps it.
  CHECK(store->teams().remove(a.id, kAdmin).code() == Errc::Constraint);
  CHECK(store->agents().get(agent.id)->teams == std::vector<std::int64_t>{a.id});

  Lead orphan;
  orphan.campaign_id = 12345;
  CHECK(store->leads().create(orphan, kAdmin).code() == Errc::Constraint);
  Queue bad;
  bad.name = "Bad";
  bad.strategy = "loudest";  // not a strategy
  CHECK(store->queues().create(bad, kAdmin).code() == Errc::Constraint);
  Campaign c;
  c.name = "C";
  REQUIRE(store->campaigns().create(c, kAdmin).ok());
  Lead lead;
  lead.campaign_id = c.id;
  lead.data_json = "{not json";
  CHECK(store->leads().create(lead, kAdmin).code() == Errc::Constraint);
  lead.data_json = "{}";
  REQUIRE(store->leads().create(lead, kAdmin).ok());
  CHECK(store->campaigns().remove(c.id, kAdmin).code() == Errc::Constraint);  // it has leads
}

TEST_CASE("bulk delete is all or nothing") {
  TempDir dir;
  auto store = open_store(dir.file("dialcore.db"));
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    Agent a = sample_agent("agent" + std::to_string(i));
    REQUIRE(store->agents().create(a, kAdmin).ok());
    ids.push_back(a.id);
  }
  std::vector<std::int64_t> with_missing = {ids[0], ids[1], 424242};
  auto failed = store->agents().remove_many(with_missing, kAdmin);
  CHECK(failed.code() == Errc::NotFound);
  CHECK(*store->agents().count({}) == 5);
  std::vector<std::int64_t> three = {ids[0], ids[2], ids[4], ids[2]};
  auto removed = store->agents().remove_many(three, kAdmin);
  INFO((removed ? std::string() : std::string(to_string(removed.code())) + " " + removed.error().message));
  REQUIRE(removed.ok());
  CHECK(*removed == 3);
  CHECK(*store->agents().count({}) == 2);
}

TEST_CASE("close and reopen keeps every entity, links and the audit log") {
  TempDir dir;
  const auto path = dir.file("dialcore.db");
  Agent written;
  std::int64_t audit_rows = 0;
  {
    auto store = open_store(path);
    Team t;
    t.name = "Persist";
    REQUIRE(store->teams().create(t, kAdmin).ok());
    Campaign c;
    c.name = "Persist";
    REQUIRE(store->campaigns().create(c, kAdmin).ok());
    written = sample_agent("keeper");
    written.teams = {t.id};
    written.campaigns = {{c.id, Priority::Medium}};
    written.totp_secret = "JBSWY3DPEHPK3PXP";
    written.last_login_at_ms = 42;
    REQUIRE(store->agents().create(written, kAdmin).ok());
    REQUIRE(store->agents().update(written, kAdmin).ok());
    Lead l;
    l.campaign_id = c.id;
    REQUIRE(store->leads().create(l, kAdmin).ok());
    Cdr cdr;
    cdr.call_id = "persist";
    REQUIRE(store->cdrs().create(cdr, kAdmin).ok());
    Recording r;
    r.call_id = "persist";
    r.path = "/r/persist.wav";
    REQUIRE(store->recordings().create(r, kAdmin).ok());
    audit_rows = *store->audit().count({});
  }
  auto store = open_store(path);
  auto agent = store->agents().get(written.id);
  REQUIRE(agent.ok());
  CHECK(*agent == written);
  CHECK(*store->teams().count({}) == 1);
  CHECK(*store->campaigns().count({}) == 1);
  CHECK(*store->leads().count({}) == 1);
  CHECK(*store->cdrs().count({}) == 1);
  CHECK(*store->recordings().count({}) == 1);
  CHECK(*store->audit().count({}) == audit_rows);
  CHECK(audit_rows == 5);
}

TEST_CASE("audit JSON names the change and redacts secrets") {
  TempDir dir;
  auto store = open_store(dir.file("dialcore.db"));
  Agent a = sample_agent("secretive");
  a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  a.sip_ha1 = "5f4dcc3b5aa765d61d8327deb882cf99";  // plain sip_password is refused (v4)
  REQUIRE(store->agents().create(a, kAdmin).ok());
  a.email = "new@example.com";
  REQUIRE(store->agents().update(a, {"admin:carol", 7}).ok());
  Query q;
  q.all.push_back({"action", Match::Equals, std::string("update")});
  auto entries = store->audit().list(q);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 1);
  const auto& e = (*entries)[0];
  CHECK(e.actor == "admin:carol");
  CHECK(e.at_ms == 7);
  CHECK(e.before_json.find("\"email\":\"secretive@example.com\"") != std::string::npos);
  CHECK(e.after_json.find("\"email\":\"new@example.com\"") != std::string::npos);
  for (const auto* json : {&e.before_json, &e.after_json}) {
    CHECK(json->find("argon2id") == std::string::npos);
    CHECK(json->find("5f4dcc3b5aa765d61d8327deb882cf99") == std::string::npos);
    CHECK(json->find("\"password_hash\":\"<redacted>\"") != std::string::npos);
  }
}
