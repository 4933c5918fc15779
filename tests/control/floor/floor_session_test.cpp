// Agent sessions through the real HTTP API: login with the agent's own credentials, voice,
// pauses with reasons (required, unknown, supervisor-only), the SSE stream of transitions,
// Last-Event-ID replay and its gap, roles, and a slow stream client dropped.
#include <fstream>
#include <functional>
#include <future>

#include "tests/control/floor/floor_fixture.hpp"

using namespace dialcore::test;

namespace {
std::string state_of(HttpClient& c) { return field(c.get("/api/v1/floor/me"), "state"); }
}  // namespace

TEST_CASE("an agent logs in with its own credentials and the stream carries every transition") {
  FloorWorld f;
  const auto id = f.agent("alice");
  HttpClient alice = f.login("alice");
  HttpClient nobody("127.0.0.1", f.port);
  CHECK(nobody.post("/api/v1/floor/login", "{}").status == 401);

  SseClient sse(f.port, "/api/v1/floor/events", "");  // no token: refused
  CHECK(sse.head().find("401") != std::string::npos);

  // The agent's stream (its token).
  auto me = alice.get("/api/v1/floor/me");
  REQUIRE(me.status == 200);
  CHECK(field(me, "state") == "logged_out");
  SseClient stream(f.port, "/api/v1/floor/events", alice.token());
  REQUIRE(stream.head().find("200 OK") != std::string::npos);
  CHECK(stream.head().find("text/event-stream") != std::string::npos);

  auto r = alice.post("/api/v1/floor/login", R"({"mode":"call_me","phone":"+61400000001"})");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(field(r, "state") == "no_voice");
  CHECK(alice.post("/api/v1/floor/login", "{}").status == 409);  // already logged in
  CHECK(f.call_log() == std::vector<std::string>{"connect_voice " + std::to_string(id) +
                                                 " call_me +61400000001 persistent"});
  // Available is refused without voice; the call layer then reports the connection.
  r = alice.post("/api/v1/floor/available", "");
  CHECK(r.status == 409);
  CHECK(error_of(r) == "no_voice");
  f.on_io([&] {
    f.floor.voice_connected(id);
    return 0;
  });
  CHECK(state_of(alice) == "available");

  // Pause: a reason is required, it must be known; nothing changes when refused.
  r = alice.post("/api/v1/floor/pause", "{}");
  CHECK(r.status == 422);
  CHECK(error_of(r) == "reason_required");
  r = alice.post("/api/v1/floor/pause", R"({"reason":"nap"})");
  CHECK(r.status == 422);
  CHECK(error_of(r) == "unknown_reason");
  CHECK(alice.post("/api/v1/floor/pause", R"({"reason":7})").status == 400);
  CHECK(alice.post("/api/v1/floor/pause", R"({"why":"x"})").status == 400);
  CHECK(state_of(alice) == "available");
  r = alice.post("/api/v1/floor/pause", R"({"reason":"break"})");
  REQUIRE(r.status == 200);
  CHECK(field(r, "state") == "paused");
  CHECK(parse(r.body).at("pause").at("reason").as_string() == "break");

  // The stream: login, voice connected, pause; ids rise, times are now.
  std::vector<SseEvent> got;
  for (const auto& e : stream.events(4)) {
    if (e.event == "state") got.push_back(e);
  }
  REQUIRE(got.size() == 3);
  const std::int64_t now = wall_now_ms();
  std::vector<std::string> seen;
  for (const auto& e : got) {
    CHECK(e.event == "state");
    const auto j = e.json();
    seen.push_back(std::string(j.at("from").as_string()) + ">" +
                   std::string(j.at("to").as_string()) + ":" +
                   std::string(j.at("cause").as_string()) + ":" +
                   std::string(j.at("detail").as_string()));
    CHECK(j.at("agent_id").as_int64() == id);
    CHECK(std::llabs(j.at("at_ms").as_int64() - now) < 10000);
  }
  CHECK(seen == std::vector<std::string>{"logged_out>no_voice:login:",
                                         "no_voice>available:voice_connected:",
                                         "available>paused:pause:break"});
  CHECK(std::stoull(got[0].id) < std::stoull(got[1].id));
  CHECK(std::stoull(got[1].id) < std::stoull(got[2].id));

  // Voice lost while paused: kept paused, the stream says reconnect.
  f.on_io([&] {
    f.floor.voice_lost(id);
    return 0;
  });
  CHECK(stream.wait_for("voice", "\"reconnect\":true"));
  CHECK(alice.post("/api/v1/floor/voice/reconnect", "").status == 200);
  f.on_io([&] {
    f.floor.voice_connected(id);
    return 0;
  });
  REQUIRE(alice.post("/api/v1/floor/available", "").status == 200);
  r = alice.post("/api/v1/floor/logout", "");
  CHECK(r.status == 200);
  CHECK(stream.wait_for("state", "\"to\":\"logged_out\""));
  CHECK(f.call_log().back() == "disconnect_voice " + std::to_string(id));
}

TEST_CASE("supervisor-only pauses, roles on the floor routes, and the supervisor stream") {
  FloorWorld f;
  const auto id = f.agent("bob");
  HttpClient bob = f.login("bob");
  HttpClient sup = f.supervisor();
  HttpClient admin("127.0.0.1", f.port);
  admin.set_token(kFloorAdmin);
  SseClient all(f.port, "/api/v1/floor/supervisor/events", kFloorSupervisor);
  REQUIRE(all.head().find("200 OK") != std::string::npos);
  CHECK(bob.get("/api/v1/floor/agents").status == 403);        // agents do not supervise
  CHECK(admin.post("/api/v1/floor/login", "{}").status == 403);  // no agent session
  CHECK(SseClient(f.port, "/api/v1/floor/supervisor/events", bob.token()).head().find("403") !=
        std::string::npos);

  REQUIRE(bob.post("/api/v1/floor/login", R"({"mode":"call_in"})").status == 200);
  f.on_io([&] {
    f.floor.voice_connected(id);
    return 0;
  });
  REQUIRE(bob.post("/api/v1/floor/pause", R"({"reason":"training"})").status == 200);
  auto r = bob.post("/api/v1/floor/available", "");
  CHECK(r.status == 403);
  CHECK(error_of(r) == "supervisor_only");
  CHECK(state_of(bob) == "paused");
  const auto list = sup.get("/api/v1/floor/agents");
  REQUIRE(list.status == 200);
  CHECK(list.body.find("\"pause\":{\"reason\":\"training\",\"supervisor_only\":true") !=
        std::string::npos);
  r = sup.post("/api/v1/floor/agents/" + std::to_string(id) + "/available", "");
  CHECK(r.status == 200);
  CHECK(field(r, "state") == "available");
  CHECK(all.wait_for("state", "\"to\":\"available\",\"cause\":\"available\""));
  // A forced logout.
  CHECK(sup.post("/api/v1/floor/agents/" + std::to_string(id) + "/logout", "").status == 200);
  CHECK(all.wait_for("state", "\"cause\":\"forced_logout\""));
  CHECK(state_of(bob) == "logged_out");
  CHECK(sup.post("/api/v1/floor/agents/999/logout", "").status == 409);
}

TEST_CASE("Last-Event-ID replays what a reconnecting client missed, and says when it cannot") {
  fl::FloorSettings small = floor_test_settings();
  small.event_buffer = 6;
  FloorWorld f(small);
  const auto id = f.agent("carol");
  HttpClient carol = f.login("carol");
  std::string last;
  {
    SseClient first(f.port, "/api/v1/floor/events", carol.token());
    REQUIRE(first.head().find("200") != std::string::npos);
    REQUIRE(carol.post("/api/v1/floor/login", R"({"mode":"call_in"})").status == 200);
    f.on_io([&] {
      f.floor.voice_connected(id);
      return 0;
    });
    const auto got = first.events(3);  // login, voice connecting, voice connected
    REQUIRE(got.size() == 3);
    CHECK(got.back().data.find("\"cause\":\"voice_connected\"") != std::string::npos);
    last = got.back().id;
  }  // the client goes away
  REQUIRE(carol.post("/api/v1/floor/pause", R"({"reason":"lunch"})").status == 200);
  REQUIRE(carol.post("/api/v1/floor/available", "").status == 200);
  SseClient again(f.port, "/api/v1/floor/events", carol.token(), last);
  const auto missed = again.events(2);
  REQUIRE(missed.size() == 2);
  CHECK(missed[0].data.find("\"to\":\"paused\"") != std::string::npos);
  CHECK(missed[1].data.find("\"to\":\"available\"") != std::string::npos);
  CHECK(std::stoull(missed[0].id) > std::stoull(last));
  // Live events follow the replay on the same connection.
  REQUIRE(carol.post("/api/v1/floor/pause", R"({"reason":"break"})").status == 200);
  CHECK(again.wait_for("state", "\"detail\":\"break\""));
  // The query form (EventSource's first connection) and a bad id.
  SseClient by_query(f.port, "/api/v1/floor/events?last_event_id=" + last, carol.token());
  CHECK(by_query.events(3).size() == 3);
  CHECK(SseClient(f.port, "/api/v1/floor/events", carol.token(), "x1").head().find("400") !=
        std::string::npos);
  // Push the old ones out of the 6-event ring: the client hears of the gap first.
  for (int i = 0; i < 4; ++i) {
    REQUIRE(carol.post("/api/v1/floor/available", "").status == 200);
    REQUIRE(carol.post("/api/v1/floor/pause", R"({"reason":"break"})").status == 200);
  }
  SseClient late(f.port, "/api/v1/floor/events", carol.token(), last);
  const auto after_gap = late.events(1);
  REQUIRE_FALSE(after_gap.empty());
  CHECK(after_gap[0].event == "replay_gap");
}

TEST_CASE("a stream client that does not read is dropped and the control thread goes on") {
  fl::FloorSettings tight = floor_test_settings();
  tight.stream_queue_bytes = 64 * 1024;
  FloorWorld f(tight);
  const auto id = f.agent("dave");
  HttpClient dave = f.login("dave");
  REQUIRE(dave.post("/api/v1/floor/login", R"({"mode":"call_in"})").status == 200);
  SseClient sleeper(f.port, "/api/v1/floor/supervisor/events", kFloorSupervisor);
  const int small = 4096;
  setsockopt(sleeper.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  REQUIRE(sleeper.head().find("200") != std::string::npos);
  REQUIRE(f.on_io([&] { return f.floor.hub().subscribers(); }) == 1);
  // 1,500-character messages until the kernel buffers and the 64 KiB queue are full.
  const std::string message(1500, 'm');
  const auto dropped = f.on_io([&] {
    for (int i = 0; i < 20000 && f.floor.hub().dropped_clients() == 0; ++i) {
      f.floor.request_assistance(id, message, "low");
    }
    return f.floor.hub().dropped_clients();
  });
  CHECK(dropped == 1);
  CHECK(f.on_io([&] { return f.floor.hub().subscribers(); }) == 0);
  CHECK(dave.get("/api/v1/floor/me").status == 200);  // the io_context still answers
}

TEST_CASE("every floor route in openapi.yaml is served by the floor") {
  std::ifstream in(DIALCORE_OPENAPI);
  std::vector<std::pair<std::string, std::string>> routes;
  std::string line, path;
  while (std::getline(in, line)) {
    if (line.rfind("  /api/v1/floor/", 0) == 0) {
      path = line.substr(2, line.find(':') - 2);
    } else if (line.rfind("  /", 0) == 0 || (!line.empty() && line[0] != ' ')) {
      path.clear();
    }
    for (const char* m : {"get", "post", "delete"}) {
      if (!path.empty() && line == std::string("    ") + m + ":") {
        std::string upper(m);
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        routes.emplace_back(path, upper);
      }
    }
  }
  REQUIRE(routes.size() >= 40);
  FloorWorld f;
  f.agent("olga");
  HttpClient agent = f.login("olga");
  HttpClient sup = f.supervisor();
  for (auto [p, method] : routes) {
    if (p.find("events") != std::string::npos) continue;  // streams: the tests above
    if (const auto at = p.find("{id}"); at != std::string::npos) p.replace(at, 4, "999");
    INFO(method << " " << p);
    const auto a = agent.request(method, p, method == "GET" || method == "DELETE" ? "" : "{}");
    const auto s = sup.request(method, p, method == "GET" || method == "DELETE" ? "" : "{}");
    for (const auto& r : {a, s}) {
      CHECK(r.status != 0);
      CHECK(error_of(r) != "no_route");
      CHECK(error_of(r) != "method_not_allowed");
      CHECK(error_of(r) != "floor_not_running");
    }
    CHECK((a.status < 300 || s.status < 300 || a.status == 409 || s.status == 409 ||
           a.status == 404 || s.status == 404 || a.status == 422));
  }
}

TEST_CASE("a successful floor action is answered only once what it wrote is durable") {
  FloorWorld f;
  f.agent("carol");
  HttpClient carol = f.login("carol");
  // The hook the Appliance installs (the call history's commit); here the test holds `then`.
  std::vector<std::function<void()>> held;
  f.on_io([&] {
    f.router.set_floor_durable([&held](std::function<void()> then) { held.push_back(std::move(then)); });
    return 0;
  });
  auto login = std::async(std::launch::async, [&] {
    return carol.post("/api/v1/floor/login", R"({"mode":"call_me","phone":"+61400000003"})");
  });
  // Not answered while the write is pending.
  CHECK(login.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
  CHECK(f.on_io([&] { return held.size(); }) == 1);
  f.on_io([&] {
    auto then = std::move(held.front());
    held.clear();
    then();
    return 0;
  });
  REQUIRE(login.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  const auto r = login.get();
  CHECK(r.status == 200);
  CHECK(field(r, "state") == "no_voice");
  // Refusals and reads change nothing durable: answered at once.
  HttpClient second("127.0.0.1", f.port);
  second.set_token(carol.token());
  CHECK(second.post("/api/v1/floor/login", "{}").status == 409);
  CHECK(second.get("/api/v1/floor/me").status == 200);
  CHECK(f.on_io([&] { return held.size(); }) == 0);
}
