// The call history writer through its real interface on a real SQLite file: a sequence of calls,
// then a new store opened on the same file shows every row; the lead rule; recovery after a
// writer that stopped mid-call (label control).
#include <catch2/catch.hpp>

#include "tests/control/history/history_fixture.hpp"

using namespace dialcore::test;
using history::EndCause;

namespace {
constexpr std::int64_t T0 = 1'800'000'000'000;
}

TEST_CASE("a sequence of calls is written durably and reads back after reopening", "[history]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  HistoryWorld w;
  {
    auto s = open_store(path);
    w = seed_world(*s, 5);
    RejectLog rejects;
    history::CallHistory h(*s, {}, rejects.options());
    // Every report is accepted at once and written by the writer thread; the test reads the
    // store only after flush() (the writer is then idle: one connection, one user at a time).
    auto rejected = [&](const std::string& call) {
      REQUIRE(h.flush());
      return rejects.last_code(call);
    };
    // c1: answered, human, bridged to agent 7, hold/retrieve, recorded, transferred, wrapped sale.
    REQUIRE(h.leg_started(outbound("c1", w, w.leads[0]), T0).ok());
    REQUIRE(h.flush());
    auto lead = s->leads().get(w.leads[0]);
    CHECK(lead->status == "in_progress");
    CHECK(lead->attempts == 1);
    REQUIRE(h.answered("c1", "a", T0 + 5000).ok());
    REQUIRE(h.amd("c1", "a", "human", T0 + 6000).ok());
    REQUIRE(h.bridged("c1", "a", 7, T0 + 6500).ok());
    history::LegStart agent_leg;
    agent_leg.call_id = "c1";
    agent_leg.leg = "agent";
    agent_leg.direction = "internal";
    agent_leg.agent_id = 7;
    REQUIRE(h.leg_started(agent_leg, T0 + 6400).ok());
    REQUIRE(h.leg_started(agent_leg, T0 + 6401).ok());  // accepted, then refused by the writer
    CHECK(rejected("c1") == store::Errc::Duplicate);
    REQUIRE(h.hold("c1", "a", T0 + 10000).ok());
    REQUIRE(h.retrieved("c1", "a", T0 + 12000).ok());
    REQUIRE(h.recording("c1", "a", "/rec/c1.wav", T0 + 6600).ok());
    REQUIRE(h.transferred("c1", "a", "consult", "agent:8", T0 + 20000).ok());
    REQUIRE(h.ended("c1", "agent", EndCause::Normal, T0 + 30000).ok());
    REQUIRE(h.ended("c1", "a", EndCause::Normal, T0 + 30000).ok());
    REQUIRE(h.hold("c1", "a", T0 + 30001).ok());
    CHECK(rejected("c1") == store::Errc::Conflict);  // ended
    // An agent talked to the lead: it waits for the disposition.
    CHECK(s->leads().get(w.leads[0])->status == "in_progress");
    // A wrong wrap code changes nothing.
    REQUIRE(h.disposition({"c1", 7, "no-such-code", "", {}}, T0 + 40000).ok());
    CHECK(rejected("c1") == store::Errc::Invalid);
    CHECK(*s->dispositions().count({}) == 0);
    CHECK(s->leads().get(w.leads[0])->status == "in_progress");
    auto disp = h.disposition({"c1", 7, "sale", "paid by card", {}}, T0 + 41000);
    REQUIRE(disp.ok());
    REQUIRE(h.disposition({"c1", 7, "sale", "", {}}, T0 + 42000).ok());
    CHECK(rejected("c1") == store::Errc::Conflict);
    CHECK(h.stats().rejected == 4);

    // c2: busy: the lead is due again after the busy delay, attempt counted.
    REQUIRE(h.leg_started(outbound("c2", w, w.leads[1]), T0 + 50000).ok());
    REQUIRE(h.ended("c2", "a", EndCause::Busy, T0 + 52000).ok());
    // c3: answering machine on the last allowed attempt of a max_attempts=3 campaign.
    REQUIRE(h.flush());
    auto l2 = s->leads().get(w.leads[2]);
    l2->attempts = 2;
    REQUIRE(s->leads().update(*l2, kAdmin).ok());
    REQUIRE(h.leg_started(outbound("c3", w, w.leads[2]), T0 + 60000).ok());
    REQUIRE(h.answered("c3", "a", T0 + 63000).ok());
    REQUIRE(h.amd("c3", "a", "machine", T0 + 65000).ok());
    REQUIRE(h.ended("c3", "a", EndCause::Normal, T0 + 66000).ok());
    // c4: live answer, no agent in time: abandoned, no redial for 72 h.
    REQUIRE(h.leg_started(outbound("c4", w, w.leads[3]), T0 + 70000).ok());
    REQUIRE(h.answered("c4", "a", T0 + 71000).ok());
    REQUIRE(h.ended("c4", "a", EndCause::Abandoned, T0 + 74000).ok());
    // An inbound call with no lead: a CDR, no attempt; wrapping it is fine.
    history::LegStart in;
    in.call_id = "in1";
    in.direction = "inbound";
    in.from_number = "+447700900999";
    in.queue_id = 3;
    REQUIRE(h.leg_started(in, T0 + 80000).ok());
    REQUIRE(h.ended("in1", "a", EndCause::Normal, T0 + 90000).ok());
    REQUIRE(h.disposition({"in1", 8, "later", "", {}}, T0 + 91000).ok());
    // Wrapped before the hang-up is reported: the attempt is answered at once, the lead settled.
    REQUIRE(h.leg_started(outbound("c5", w, w.leads[4]), T0 + 95000).ok());
    REQUIRE(h.answered("c5", "a", T0 + 96000).ok());
    REQUIRE(h.bridged("c5", "a", 7, T0 + 96500).ok());
    REQUIRE(h.disposition({"c5", 7, "sale", "", {}}, T0 + 97000).ok());
    REQUIRE(h.flush());
    CHECK(s->attempts().list(where("call_id", std::string("c5")))->front().outcome == "answered");
    CHECK(s->leads().get(w.leads[4])->status == "done");
    REQUIRE(h.ended("c5", "a", EndCause::Normal, T0 + 98000).ok());
    REQUIRE(h.flush());
    CHECK(s->leads().get(w.leads[4])->status == "done");
    REQUIRE(h.answered("nope", "a", T0).ok());
    CHECK(rejected("nope") == store::Errc::NotFound);
    // What needs no database is refused at once, and nothing is queued.
    CHECK(h.amd("c1", "a", "robot", T0).code() == store::Errc::Invalid);
    CHECK(h.answered("", "a", T0).code() == store::Errc::Invalid);
    CHECK(h.disposition({"c1", 7, "", "", {}}, T0).code() == store::Errc::Invalid);
    CHECK(h.stats().rejected == 5);
    CHECK(h.stats().written + h.stats().rejected == h.stats().accepted);
  }
  // A new store on the same file.
  auto s = open_store(path);
  CHECK(*s->cdrs().count({}) == 7);
  CHECK(*s->attempts().count({}) == 5);
  CHECK(*s->dispositions().count({}) == 3);
  auto c1 = s->cdrs().list(where("call_id", std::string("c1")));
  REQUIRE(c1->size() == 2);
  const auto& a = c1->front().leg == "a" ? c1->front() : c1->back();
  CHECK(a.answered_at_ms == T0 + 5000);
  CHECK(a.ended_at_ms == T0 + 30000);
  CHECK(a.agent_id == 7);
  CHECK(a.hangup_cause == "normal");
  CHECK(a.wrap_code == "sale");
  CHECK(event_types(a) == std::vector<std::string>{"start", "answer", "amd", "bridge", "hold",
                                                   "retrieve", "recording", "transfer", "end",
                                                   "wrap"});
  auto d = s->dispositions().list(where("call_id", std::string("c1")));
  REQUIRE(d->size() == 1);
  CHECK(d->front().notes == "paid by card");
  CHECK(d->front().lead_id == w.leads[0]);
  REQUIRE(d->front().attempt_id.has_value());
  auto att = s->attempts().get(*d->front().attempt_id);
  CHECK(att->outcome == "answered");
  CHECK(att->amd == "human");
  CHECK(att->agent_id == 7);
  CHECK(att->call_id == "c1");
  auto l0 = s->leads().get(w.leads[0]);
  CHECK(l0->status == "done");
  auto l1 = s->leads().get(w.leads[1]);
  CHECK(l1->status == "new");
  CHECK(l1->attempts == 1);
  CHECK(l1->next_call_at_ms == T0 + 52000 + history::RetryPolicy{}.busy_ms);
  auto l2 = s->leads().get(w.leads[2]);
  CHECK(l2->status == "done");  // third attempt of three
  CHECK(s->attempts().list(where("call_id", std::string("c3")))->front().outcome == "machine");
  auto l3 = s->leads().get(w.leads[3]);
  CHECK(l3->status == "new");
  CHECK(l3->next_call_at_ms == T0 + 74000 + 72LL * 3600 * 1000);
  CHECK(s->attempts().list(where("call_id", std::string("c4")))->front().outcome == "abandoned");
  CHECK(s->check_integrity().ok());
}

TEST_CASE("the lead rule", "[history]") {
  const history::RetryPolicy p;
  CHECK(history::lead_after_attempt("invalid", 1, 5, 0, p).status == "done");
  CHECK(history::lead_after_attempt("busy", 5, 5, 0, p).status == "done");
  auto f = history::lead_after_attempt("no_answer", 1, 5, 100, p);
  CHECK(f.status == "new");
  CHECK(f.next_call_at_ms == 100 + p.no_answer_ms);
  CHECK(history::lead_after_attempt("interrupted", 1, 5, 100, p).next_call_at_ms == 100);
  CHECK(history::lead_after_attempt("weird", 1, 5, 0, p).next_call_at_ms == p.failed_ms);
}

TEST_CASE("recovery closes what a stopped writer left open, once", "[history]") {
  TempDir dir;
  const std::string path = dir.file("store.db");
  HistoryWorld w;
  {
    auto s = open_store(path);
    w = seed_world(*s, 4, 2);
    history::CallHistory h(*s);
    // Lead 0: mid-call (answered, bridged). Lead 1: ended live with an agent, never wrapped.
    // Lead 2: mid-ring on its last attempt. Lead 3: settled (busy) before the stop.
    REQUIRE(h.leg_started(outbound("m0", w, w.leads[0]), T0).ok());
    REQUIRE(h.answered("m0", "a", T0 + 4000).ok());
    REQUIRE(h.bridged("m0", "a", 3, T0 + 4500).ok());
    REQUIRE(h.leg_started(outbound("m1", w, w.leads[1]), T0).ok());
    REQUIRE(h.answered("m1", "a", T0 + 1000).ok());
    REQUIRE(h.bridged("m1", "a", 4, T0 + 1500).ok());
    REQUIRE(h.ended("m1", "a", EndCause::Normal, T0 + 9000).ok());
    REQUIRE(h.flush());
    auto l2 = s->leads().get(w.leads[2]);
    l2->attempts = 1;
    REQUIRE(s->leads().update(*l2, kAdmin).ok());
    REQUIRE(h.leg_started(outbound("m2", w, w.leads[2]), T0 + 100).ok());
    REQUIRE(h.leg_started(outbound("m3", w, w.leads[3]), T0).ok());
    REQUIRE(h.ended("m3", "a", EndCause::Busy, T0 + 3000).ok());
    // The writer goes away here without ending anything (as a kill -9 would).
  }
  auto s = open_store(path);
  const std::int64_t now = T0 + 3'600'000;
  auto rep = history::recover(*s, now);
  REQUIRE(rep.ok());
  CHECK(rep->cdrs_closed == 2);
  CHECK(rep->attempts_closed == 2);
  CHECK(rep->leads_released == 3);
  auto m0 = s->cdrs().list(where("call_id", std::string("m0")))->front();
  CHECK(m0.ended_at_ms == T0 + 4500);  // the last thing it knew: the bridge
  CHECK(m0.hangup_cause == "interrupted");
  CHECK(event_types(m0).back() == "interrupted");
  auto a0 = s->attempts().list(where("call_id", std::string("m0")))->front();
  CHECK(a0.outcome == "interrupted");
  CHECK(a0.ended_at_ms == T0 + 4000);
  auto l0 = s->leads().get(w.leads[0]);
  CHECK(l0->status == "new");
  CHECK(l0->attempts == 1);
  CHECK(l0->next_call_at_ms == now);
  auto l1 = s->leads().get(w.leads[1]);
  CHECK(l1->status == "new");
  CHECK(l1->next_call_at_ms == T0 + 9000 + history::RetryPolicy{}.answered_ms);
  CHECK(s->leads().get(w.leads[2])->status == "done");  // 2 of 2 attempts
  auto l3 = s->leads().get(w.leads[3]);
  CHECK(l3->next_call_at_ms == T0 + 3000 + history::RetryPolicy{}.busy_ms);
  CHECK(*s->leads().count(where("status", std::string("in_progress"))) == 0);
  // A second recovery has nothing left to do and changes nothing.
  auto again = history::recover(*s, now + 1000);
  REQUIRE(again.ok());
  CHECK(again->cdrs_closed + again->attempts_closed + again->leads_released == 0);
  CHECK(s->leads().get(w.leads[0])->next_call_at_ms == now);
}

TEST_CASE("nested writes in one store transaction commit or roll back together", "[history]") {
  TempDir dir;
  auto s = open_store(dir.file("store.db"));
  auto w = seed_world(*s, 1);
  auto r = s->transaction([&]() -> store::Result<void> {
    store::DncEntry e;
    e.phone = "+447700900001";
    if (auto c = s->dnc().create(e, kAdmin); !c) return c;
    store::DncEntry dup = e;
    CHECK(s->dnc().create(dup, kAdmin).code() == store::Errc::Duplicate);  // skipped, not fatal
    return store::Error{store::Errc::Invalid, "changed my mind"};
  });
  CHECK(r.code() == store::Errc::Invalid);
  CHECK(*s->dnc().count({}) == 0);
  CHECK(*s->audit().count(where("entity", std::string("dnc"))) == 0);
  store::DncEntry bad;
  bad.phone = "07700 900001";  // not normalised: the CHECK refuses it
  CHECK(s->dnc().create(bad, kAdmin).code() == store::Errc::Constraint);
  CHECK(s->transaction([&] {
           return s->transaction([] { return store::Result<void>{}; });
         }).code() == store::Errc::Invalid);
  (void)w;
}
