// Call controls through the agent API: each is checked on the agent's state first (409/403/422
// with a clear error and nothing changed), then asked of CallControl (a recording double here;
// the B2BUA implements it after the merge). Wrap with codes, timers from next_deadline.
#include "tests/control/floor/floor_fixture.hpp"

using namespace dialcore::test;
using dialcore::control::agent_state::CallKind;

namespace {

struct OnFloor {
  std::int64_t id;
  HttpClient client;
};

OnFloor ready(FloorWorld& f, const std::string& name, std::vector<std::int64_t> teams = {},
              bool transfers_when_paused = false) {
  const auto id = f.agent(name, std::move(teams), transfers_when_paused);
  HttpClient c = f.login(name);
  REQUIRE(c.post("/api/v1/floor/login", R"({"mode":"call_in"})").status == 200);
  f.on_io([&] {
    f.floor.voice_connected(id);
    return 0;
  });
  return {id, c};
}

std::string state_of(HttpClient& c) { return field(c.get("/api/v1/floor/me"), "state"); }
std::string last(FloorWorld& f) { return f.call_log().back(); }

}  // namespace

TEST_CASE("call controls on an offered call, out-of-state requests refused with nothing changed") {
  FloorWorld f;
  f.wrap_code("sale");
  f.wrap_code("no_sale");
  const auto campaign = f.campaign("Renewals");
  auto [id, a] = ready(f, "erin");
  const std::string me = std::to_string(id);

  // Hang up with no call: 409, and the call layer never hears of it.
  const auto log_before = f.call_log().size();
  auto r = a.post("/api/v1/floor/calls/hangup", "{}");
  CHECK(r.status == 409);
  CHECK(error_of(r) == "no_call");
  CHECK(a.post("/api/v1/floor/calls/hold", "{}").status == 409);
  CHECK(a.post("/api/v1/floor/calls/answer", "{}").status == 409);
  CHECK(a.post("/api/v1/floor/recording/start", "{}").status == 409);
  CHECK(f.call_log().size() == log_before);
  CHECK(state_of(a) == "available");

  SseClient stream(f.port, "/api/v1/floor/events", a.token());
  REQUIRE(f.offer(id, 7, campaign).ok());
  CHECK(stream.wait_for("call", "\"interaction_id\":\"ix-7\""));
  CHECK(state_of(a) == "reserved");
  CHECK(f.offer(id, 8, campaign).status == 409);  // one offer at a time
  r = a.post("/api/v1/floor/calls/answer", "{}");
  REQUIRE(r.status == 200);
  CHECK(field(r, "state") == "on_call");
  CHECK(last(f) == "answer " + me + " 7");
  const auto calls = parse(r.body).at("calls").as_array();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].at("campaign_id").as_int64() == campaign);
  CHECK(calls[0].at("from").as_string() == "+61299990000");

  // A refusal by the call layer changes nothing.
  f.on_io([&] { return f.calls.fail_next = true; });
  r = a.post("/api/v1/floor/calls/hold", "{}");
  CHECK(r.status == 502);
  CHECK(error_of(r) == "call_layer_refused");
  CHECK(parse(a.get("/api/v1/floor/me").body).at("calls").at(0).at("held") == false);
  // Hold, retrieve, mute.
  REQUIRE(a.post("/api/v1/floor/calls/hold", "{}").status == 200);
  CHECK(last(f) == "hold " + me + " 7");
  CHECK(a.post("/api/v1/floor/calls/hold", R"({"call":7})").status == 409);  // already held
  REQUIRE(a.post("/api/v1/floor/calls/retrieve", "{}").status == 200);
  CHECK(last(f) == "retrieve " + me + " 7");
  r = a.post("/api/v1/floor/calls/mute", "{}");
  REQUIRE(r.status == 200);
  CHECK(parse(r.body).at("calls").at(0).at("muted") == true);
  CHECK(a.post("/api/v1/floor/calls/mute", R"({"call":99})").status == 404);
  // Recording and announcement markers.
  REQUIRE(a.post("/api/v1/floor/recording/start", "{}").status == 200);
  REQUIRE(a.post("/api/v1/floor/recording/tag", R"({"tag":"complaint"})").status == 200);
  CHECK(last(f) == "recording " + me + " 7 4 complaint");
  CHECK(a.post("/api/v1/floor/recording/tag", "{}").status == 422);
  REQUIRE(a.post("/api/v1/floor/calls/announce", R"({"prompt":"terms"})").status == 200);
  CHECK(stream.wait_for("call", "\"action\":\"announcement\""));

  // A consult to an agent who cannot take it (not logged in) is the request's fault: 409, and
  // nothing is dialled.
  const auto dialled_before = f.call_log().size();
  r = a.post("/api/v1/floor/calls/consult", R"({"target_type":"agent","target":"99999"})");
  CHECK(r.status == 409);
  CHECK(error_of(r) == "target_unavailable");
  CHECK(f.call_log().size() == dialled_before);
  // Consult a second party, merge, leave (the others stay joined).
  r = a.post("/api/v1/floor/calls/consult", R"({"target_type":"number","target":"+61288887777"})");
  REQUIRE(r.status == 200);
  CHECK(last(f) == "consult " + me + " 7 +61288887777");
  CHECK(parse(r.body).at("calls").as_array().size() == 2);
  CHECK(a.post("/api/v1/floor/calls/consult", R"({"target":"123"})").status == 409);  // limit
  REQUIRE(a.post("/api/v1/floor/calls/merge", "{}").status == 200);
  CHECK(last(f) == "merge " + me + " 7 1000");
  r = a.post("/api/v1/floor/calls/leave", R"({"terminate":false})");
  REQUIRE(r.status == 200);
  CHECK(last(f) == "leave " + me);
  CHECK(field(r, "state") == "wrap");

  // Wrap: an unknown code is 422 and changes nothing; a known code ends the wrap.
  r = a.post("/api/v1/floor/wrap", R"({"code":"bogus","notes":"x"})");
  CHECK(r.status == 422);
  CHECK(error_of(r) == "unknown_wrap_code");
  CHECK(state_of(a) == "wrap");
  CHECK(a.post("/api/v1/floor/wrap", R"({"code":"sale","notes":")" + std::string(4001, 'n') +
                                         R"("})")
            .status == 422);
  r = a.post("/api/v1/floor/wrap", R"({"code":"sale","notes":"renewed for a year"})");
  REQUIRE(r.status == 200);
  CHECK(field(r, "state") == "available");
  CHECK(stream.wait_for("wrap", "\"notes\":\"renewed for a year\""));
}

TEST_CASE("transfers check the target, manual calls need the permission, far-end hang-ups") {
  FloorWorld f;
  f.wrap_code("sale");
  const auto campaign = f.campaign("Outbound");
  auto [id, a] = ready(f, "fran");
  auto [paused_id, paused] = ready(f, "gina");
  auto [willing_id, willing] = ready(f, "hugo", {}, true);
  REQUIRE(paused.post("/api/v1/floor/pause", R"({"reason":"break"})").status == 200);
  REQUIRE(willing.post("/api/v1/floor/pause", R"({"reason":"break"})").status == 200);

  REQUIRE(f.offer(id, 21, campaign).ok());
  REQUIRE(a.post("/api/v1/floor/calls/answer", "{}").status == 200);
  // To a paused agent without "receive transfers when paused": 409, the call stays.
  auto r = a.post("/api/v1/floor/calls/transfer",
                  R"({"target_type":"agent","target":")" + std::to_string(paused_id) + R"("})");
  CHECK(r.status == 409);
  CHECK(error_of(r) == "target_unavailable");
  CHECK(state_of(a) == "on_call");
  CHECK(a.post("/api/v1/floor/calls/transfer", R"({"target_type":"planet","target":"x"})").status ==
        422);
  CHECK(a.post("/api/v1/floor/calls/transfer", R"({"target":"12ab"})").status == 422);
  // With the permission the paused agent can take it.
  r = a.post("/api/v1/floor/calls/transfer",
             R"({"target_type":"agent","target":")" + std::to_string(willing_id) + R"("})");
  REQUIRE(r.status == 200);
  CHECK(field(r, "state") == "wrap");
  CHECK(last(f) == "blind_transfer " + std::to_string(id) + " 21 " + std::to_string(willing_id));
  REQUIRE(a.post("/api/v1/floor/wrap", R"({"code":"sale"})").status == 200);

  // Manual call from available; a campaign that does not exist is 422.
  CHECK(a.post("/api/v1/floor/calls/manual", R"({"campaign_id":999,"number":"0299990000"})")
            .status == 422);
  r = a.post("/api/v1/floor/calls/manual",
             R"({"campaign_id":)" + std::to_string(campaign) + R"(,"number":"0299990000"})");
  REQUIRE(r.status == 200);
  CHECK(field(r, "state") == "reserved");
  const fl::CallId manual = parse(r.body).at("calls").at(0).at("call").to_number<fl::CallId>();
  // The far end answers (the call layer reports it), then hangs up.
  f.on_io([&] {
    f.floor.call_answered(manual);
    return 0;
  });
  CHECK(state_of(a) == "on_call");
  f.on_io([&] {
    f.floor.call_ended(manual);
    return 0;
  });
  CHECK(state_of(a) == "wrap");
  REQUIRE(a.post("/api/v1/floor/wrap", R"({"code":"sale"})").status == 200);

  // Without the manual-call permission: 403, nothing dialled.
  const auto kurt = f.agent("kurt");
  auto rec = *f.w.db->agents().get(kurt);
  rec.perm_manual_call = false;
  REQUIRE(f.w.db->agents().update(rec, kAdmin).ok());
  HttpClient k = f.login("kurt");
  REQUIRE(k.post("/api/v1/floor/login", R"({"mode":"call_in"})").status == 200);
  f.on_io([&] {
    f.floor.voice_connected(kurt);
    return 0;
  });
  const auto dialled = f.call_log().size();
  r = k.post("/api/v1/floor/calls/manual",
             R"({"campaign_id":)" + std::to_string(campaign) + R"(,"number":"0299990000"})");
  CHECK(r.status == 403);
  CHECK(error_of(r) == "not_permitted");
  CHECK(f.call_log().size() == dialled);
  CHECK(state_of(k) == "available");

  // Consult transfer: two calls, both leave the agent.
  REQUIRE(f.offer(id, 22, campaign).ok());
  REQUIRE(a.post("/api/v1/floor/calls/answer", "{}").status == 200);
  REQUIRE(a.post("/api/v1/floor/calls/consult", R"({"target_type":"queue","target":"3"})").status ==
          200);
  r = a.post("/api/v1/floor/calls/complete-transfer", "{}");
  REQUIRE(r.status == 200);
  CHECK(field(r, "state") == "wrap");
  CHECK(last(f).rfind("complete_transfer " + std::to_string(id) + " 22 ", 0) == 0);
}

TEST_CASE("timers: a ring timeout auto-pauses, a campaign's auto-wrap ends the wrap") {
  FloorWorld f;
  f.wrap_code("sale");
  const auto quick = f.campaign("Quick wrap", 1);
  auto [id, a] = ready(f, "ivan");
  SseClient stream(f.port, "/api/v1/floor/events", a.token());
  // A transfer rings for 150 ms, nobody answers.
  REQUIRE(f.offer(id, 31, 0, CallKind::Transfer, 150).ok());
  CHECK(state_of(a) == "reserved");
  const auto timeout = stream.wait_for("state", "\"cause\":\"ring_timeout\"", 5000);
  REQUIRE(timeout);
  CHECK(timeout->data.find("\"to\":\"auto_paused\"") != std::string::npos);
  CHECK(state_of(a) == "auto_paused");
  CHECK(last(f) == "hang_up " + std::to_string(id) + " 31");  // the ringing leg is ended
  REQUIRE(a.post("/api/v1/floor/available", "").status == 200);

  // A call of a campaign with a 1 s wrap timer.
  REQUIRE(f.offer(id, 32, quick).ok());
  REQUIRE(a.post("/api/v1/floor/calls/answer", "{}").status == 200);
  REQUIRE(a.post("/api/v1/floor/calls/hangup", "{}").status == 200);
  CHECK(state_of(a) == "wrap");
  const auto wrapped = stream.wait_for("state", "\"cause\":\"auto_wrapped\"", 5000);
  REQUIRE(wrapped);
  CHECK(wrapped->data.find("\"detail\":\"auto_wrap\"") != std::string::npos);
  CHECK(state_of(a) == "available");
}

TEST_CASE("request assistance reaches the supervisors of the agent's team, with a seen-receipt") {
  FloorWorld f;
  const auto other_team = [&] {
    dialcore::control::store::Team t;
    t.name = "Support";
    REQUIRE(f.w.db->teams().create(t, kAdmin).ok());
    return t.id;
  }();
  auto [id, a] = ready(f, "jane");  // team Sales
  HttpClient sup = f.supervisor();
  SseClient sales(f.port, "/api/v1/floor/supervisor/events?team=" + std::to_string(f.w.team.id),
                  kFloorSupervisor);
  SseClient support(f.port, "/api/v1/floor/supervisor/events?team=" + std::to_string(other_team),
                    kFloorSupervisor);
  SseClient mine(f.port, "/api/v1/floor/events", a.token());
  REQUIRE(sales.head().find("200") != std::string::npos);
  REQUIRE(support.head().find("200") != std::string::npos);

  auto r = a.post("/api/v1/floor/assist",
                  json::serialize(json::object{{"message", std::string(1501, 'x')}}));
  CHECK(r.status == 422);
  CHECK(a.post("/api/v1/floor/assist", R"({"message":"help","priority":"extreme"})").status == 422);
  // 1,500 characters counted as characters, not bytes (é is two bytes).
  std::string text;
  for (int i = 0; i < 1500; ++i) text += "\xc3\xa9";
  r = a.post("/api/v1/floor/assist",
             json::serialize(json::object{{"message", text}, {"priority", "urgent"}}));
  REQUIRE(r.status == 201);
  const auto assist_id = field(r, "id");
  const auto got = sales.wait_for("assist", "\"priority\":\"urgent\"");
  REQUIRE(got);
  CHECK(got->json().at("message").as_string() == text);
  CHECK_FALSE(support.wait_for("assist", "urgent", 300));  // another team's supervisors
  CHECK(a.get("/api/v1/floor/assist").status == 403);
  const auto list = sup.get("/api/v1/floor/assist?team=" + std::to_string(f.w.team.id));
  REQUIRE(list.status == 200);
  CHECK(parse(list.body).at("items").at(0).at("seen") == false);
  r = sup.post("/api/v1/floor/assist/" + assist_id + "/seen", "");
  REQUIRE(r.status == 200);
  const auto receipt = mine.wait_for("assist_seen", "\"id\":" + assist_id);
  REQUIRE(receipt);
  CHECK(receipt->data.find("supervisor:token") != std::string::npos);
  CHECK(parse(sup.get("/api/v1/floor/assist").body).at("items").at(0).at("seen") == true);
  CHECK(sup.post("/api/v1/floor/assist/999/seen", "").status == 404);
}

TEST_CASE("the ACD's ring timeout (no_answer) auto-pauses the ringing agent, another call id "
          "changes nothing") {
  FloorWorld f;
  f.wrap_code("sale");
  const auto campaign = f.campaign("Inbound");
  auto [id, a] = ready(f, "nora");
  SseClient stream(f.port, "/api/v1/floor/events", a.token());
  REQUIRE(f.offer(id, 21, campaign).ok());
  CHECK(state_of(a) == "reserved");
  f.on_io([&] {
    f.floor.no_answer(id, 99);  // not the call it rings with: refused by the machine
    return 0;
  });
  CHECK(state_of(a) == "reserved");
  f.on_io([&] {
    f.floor.no_answer(id, 21);
    return 0;
  });
  CHECK(state_of(a) == "auto_paused");
  CHECK(stream.wait_for("call", "\"action\":\"ring_timeout\""));
  CHECK(stream.wait_for("state", "\"cause\":\"ring_timeout\""));
  // The call left the agent: a second offer of it is possible elsewhere, and the agent's
  // reconnect is an explicit "available".
  CHECK(a.post("/api/v1/floor/calls/answer", "{}").status == 409);
}
