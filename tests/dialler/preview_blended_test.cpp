#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "dialler/blended_strategy.hpp"
#include "dialler/pacing_strategy.hpp"
#include "dialler/preview_strategy.hpp"

using namespace dialcore::dialler;

namespace {

Event agent_event(EventKind k, double t, std::uint32_t agent) {
  return {k, t, 0, agent, AnswerKind::Unknown};
}

void agents_idle(PacingStrategy& s, int n, double t) {
  for (int i = 0; i < n; ++i)
    s.on_event(agent_event(EventKind::AgentIdle, t, static_cast<std::uint32_t>(i)));
}

}  // namespace

TEST_CASE("preview dials when the agent presses dial, once, and never on its own when manual") {
  PreviewStrategy s(CampaignPacing{}, -1.0);
  agents_idle(s, 2, 0);
  CHECK(s.calls_to_launch(0) == 0);  // idle agents alone are not a reason to dial
  s.on_event(agent_event(EventKind::PreviewShown, 1, 0));
  s.on_event(agent_event(EventKind::PreviewShown, 1, 1));
  CHECK(s.calls_to_launch(1000) == 0);  // manual: no timeout
  s.on_event(agent_event(EventKind::PreviewDial, 30, 1));
  CHECK(s.calls_to_launch(30) == 1);
  REQUIRE(s.due_agents().size() == 1);
  CHECK(s.due_agents()[0] == 1);
  CHECK(s.calls_to_launch(31) == 0);  // counted once
  CHECK(s.previews_open() == 1);
  // A dial press without a lead in preview is ignored.
  s.on_event(agent_event(EventKind::PreviewDial, 32, 1));
  CHECK(s.calls_to_launch(32) == 0);
}

TEST_CASE("auto-preview dials when the timeout runs out, unless the agent took another call") {
  std::string err;
  auto s = make_strategy("preview:15", CampaignPacing{}, &err);
  REQUIRE(s);
  CHECK(s->name() == "preview:15");
  agents_idle(*s, 3, 0);
  s->on_event(agent_event(EventKind::PreviewShown, 10, 0));
  s->on_event(agent_event(EventKind::PreviewShown, 12, 1));
  s->on_event(agent_event(EventKind::PreviewShown, 12, 2));
  s->on_event(agent_event(EventKind::AgentBusy, 20, 2));  // took an inbound call
  CHECK(s->calls_to_launch(24.9) == 0);
  CHECK(s->calls_to_launch(25) == 1);  // agent 0 at its timeout
  CHECK(s->calls_to_launch(26) == 0);
  CHECK(s->calls_to_launch(27) == 1);  // agent 1; agent 2's preview was withdrawn
  CHECK(s->calls_to_launch(100) == 0);
  CHECK(make_strategy("preview:-3", CampaignPacing{}, &err) == nullptr);
  CHECK(err.find("preview:T") != std::string::npos);
}

TEST_CASE("blended dials outbound only above the idle agents kept for inbound") {
  std::string err;
  auto s = make_strategy("blended:2:ratio:2", CampaignPacing{}, &err);
  REQUIRE(s);
  CHECK(s->name() == "blended:2:ratio:2");
  agents_idle(*s, 2, 0);
  CHECK(s->calls_to_launch(0) == 0);  // two idle = the minimum: all kept for inbound
  agents_idle(*s, 5, 0);
  // Five idle, two kept: ratio 2 on the other three.
  CHECK(s->calls_to_launch(0) == 6);
  for (std::uint64_t id = 1; id <= 6; ++id)
    s->on_event({EventKind::CallPlaced, 0, id, 0, AnswerKind::Unknown});
  CHECK(s->calls_to_launch(1) == 0);
  // Inbound has priority: two inbound calls waiting take two of the free agents first.
  s->on_event({EventKind::InboundQueued, 2, 0, 0, AnswerKind::Unknown});
  s->on_event({EventKind::InboundQueued, 2, 0, 0, AnswerKind::Unknown});
  for (std::uint64_t id = 1; id <= 6; ++id)
    s->on_event({EventKind::CallEnded, 3, id, 0, AnswerKind::Unknown});
  CHECK(s->calls_to_launch(3) == 2);  // 5 idle - 2 inbound waiting - 2 kept = 1 free: ratio 2
  s->on_event({EventKind::InboundTaken, 4, 0, 0, AnswerKind::Unknown});
  s->on_event(agent_event(EventKind::AgentBusy, 4, 0));
  s->on_event(agent_event(EventKind::AgentBusy, 4, 1));
  // 3 idle, 1 inbound waiting: 2 left = the minimum, outbound stops (calls in flight or not).
  CHECK(s->calls_to_launch(4) == 0);
  CHECK(make_strategy("blended:x:ratio:2", CampaignPacing{}, &err) == nullptr);
  CHECK(make_strategy("blended:1.5:ratio:2", CampaignPacing{}, &err) == nullptr);
  CHECK(make_strategy("blended:2", CampaignPacing{}, &err) == nullptr);
  CHECK(make_strategy("blended:2:nonsense", CampaignPacing{}, &err) == nullptr);
  CHECK(err.find("unknown strategy") != std::string::npos);
}
