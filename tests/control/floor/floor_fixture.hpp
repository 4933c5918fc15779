#pragma once
// The agent floor behind the real HTTP API, in this process: a store with agents (cheap
// argon2id), the Router and Beast Server on a kernel-chosen loopback port, the Floor with a
// recording CallControl double and the test payment gateway, all on one io_context run by one
// thread (the control thread). Tests talk HTTP to it and reach the floor's call-layer inputs
// (offers, voice, DTMF) through on_io(), which runs on that thread. Plus a raw SSE client.

#include <catch2/catch.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "control/api/floor_routes.hpp"
#include "control/api/router.hpp"
#include "control/api/server.hpp"
#include "control/floor/floor.hpp"
#include "tests/control/agents/agent_fixture.hpp"
#include "tests/control/floor/recording_calls.hpp"
#include "tests/support/http_client.hpp"

namespace dialcore::test {

namespace api = dialcore::control::api;
namespace json = boost::json;

inline constexpr const char* kFloorAdmin = "floor-admin-token-0123456789";
inline constexpr const char* kFloorSupervisor = "floor-supervisor-token-0123456789";
inline constexpr const char* kAgentPass = "N3w-Password!";

inline std::int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline fl::FloorSettings floor_test_settings() {
  fl::FloorSettings s;
  s.require_pause_reason = true;
  s.pause_reasons = {{"break", false}, {"lunch", false}, {"training", true}, {"auto", false},
                     {"login", false}};
  return s;
}

inline json::value parse(const std::string& text) {
  json::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}

inline std::string field(const HttpReply& r, const char* key) {
  const auto v = parse(r.body);
  if (!v.is_object()) return "";
  const auto* f = v.get_object().if_contains(key);
  if (f == nullptr) return "";
  return f->is_string() ? std::string(f->get_string()) : json::serialize(*f);
}

inline std::string error_of(const HttpReply& r) {
  const auto v = parse(r.body);
  if (!v.is_object() || !v.get_object().contains("error")) return "";
  return std::string(v.at("error").at("code").as_string());
}

struct FloorWorld {
  explicit FloorWorld(fl::FloorSettings settings = floor_test_settings())
      : floor(io, std::move(settings), directory, calls, gateway) {
    router.apply(api::LiveSettings{kFloorAdmin, kFloorSupervisor, 1 << 20, 1000, 60});
    router.set_floor(&routes);
    std::string error;
    REQUIRE(server.listen("127.0.0.1", 0, error));
    port = server.local_endpoint().port();
    thread = std::thread([this] { io.run(); });
  }
  ~FloorWorld() {
    on_io([this] {
      server.stop();
      return 0;
    });
    guard.reset();
    io.stop();
    thread.join();
  }

  // Runs `f` on the control thread and returns its result.
  template <class F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto done = task.get_future();
    boost::asio::post(io, std::move(task));
    return done.get();
  }

  // An agent in the store whose password is already changed (login works), in `teams`.
  std::int64_t agent(const std::string& username, std::vector<std::int64_t> teams = {},
                     bool transfers_when_paused = false) {
    auto draft = w.draft(username);
    if (!teams.empty()) draft.teams = std::move(teams);
    draft.perm_transfers_when_paused = transfers_when_paused;
    auto r = w.service.create(draft, std::string("Secr3t!pass"), {"admin:test", wall_now_ms()});
    REQUIRE(r.ok());
    REQUIRE(w.service.change_password(r->id, "Secr3t!pass", kAgentPass, wall_now_ms()).ok());
    return r->id;
  }
  // Logs in over the API (argon2id + session token) and returns an authorised client.
  HttpClient login(const std::string& username) {
    HttpClient c("127.0.0.1", port);
    const auto r = c.post("/api/v1/auth/login", json::serialize(json::object{
                                                    {"username", username}, {"password", kAgentPass}}));
    INFO(r.body);
    REQUIRE(r.status == 200);
    c.set_token(field(r, "token"));
    return c;
  }
  HttpClient supervisor() const {
    HttpClient c("127.0.0.1", port);
    c.set_token(kFloorSupervisor);
    return c;
  }
  std::int64_t campaign(const std::string& name, std::int64_t wrap_timeout_s = 0) {
    control::store::Campaign c;
    c.name = name;
    c.wrap_timeout_s = wrap_timeout_s;
    REQUIRE(w.db->campaigns().create(c, kAdmin).ok());
    return c.id;
  }
  void wrap_code(const std::string& code) {
    control::store::WrapCode c;
    c.name = code;
    c.code = code;
    REQUIRE(w.db->wrap_codes().create(c, kAdmin).ok());
  }
  // Offers call `id` to the agent as the call layer would.
  fl::FloorResult offer(std::int64_t agent, fl::CallId id, std::int64_t campaign = 0,
                        control::agent_state::CallKind kind = control::agent_state::CallKind::Routed,
                        std::int64_t ring_ms = 0) {
    return on_io([=, this] {
      fl::CallInfo info;
      info.call = id;
      info.kind = kind;
      info.campaign_id = campaign;
      info.from = "+61299990000";
      info.to = "1300000000";
      info.interaction_id = "ix-" + std::to_string(id);
      info.ring_timeout_ms = ring_ms;
      return floor.offer(agent, info);
    });
  }
  std::vector<std::string> call_log() {
    return on_io([this] { return calls.log; });
  }

  AgentWorld w;  // store, AgentService (cheap hashes), team "Sales"
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard =
      boost::asio::make_work_guard(io);
  RecordingCalls calls;
  fl::TestGateway gateway{wall_now_ms};
  api::StoreFloorDirectory directory{*w.db, "auto_wrap"};
  fl::Floor floor;
  api::FloorRoutes routes{floor};
  api::Router router{*w.db, w.service, wall_now_ms};
  api::Server server{io, router};
  std::uint16_t port = 0;
  std::thread thread;
};

struct SseEvent {
  std::string id;
  std::string event;
  std::string data;
  json::value json() const { return parse(data); }
};

// A raw Server-Sent Events client: sends the GET, then parses frames as they come.
class SseClient {
 public:
  SseClient(std::uint16_t port, const std::string& path, const std::string& token,
            const std::string& last_event_id = "") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                      "Authorization: Bearer " + token + "\r\n";
    if (!last_event_id.empty()) req += "Last-Event-ID: " + last_event_id + "\r\n";
    req += "\r\n";
    REQUIRE(::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size()));
    head();  // the server subscribes before it sends the header: events after this are seen
  }
  ~SseClient() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd() const { return fd_; }

  // The status line and headers ("" if none came within the time).
  std::string head(int timeout_ms = 5000) {
    while (head_.empty()) {
      const auto end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) {
        head_ = buf_.substr(0, end + 4);
        buf_.erase(0, end + 4);
        break;
      }
      if (!fill(timeout_ms)) break;
    }
    return head_;
  }
  // Events until `n` have come (comments and retry lines skipped) or the time is up.
  std::vector<SseEvent> events(std::size_t n, int timeout_ms = 5000) {
    head(timeout_ms);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (got_.size() < n) {
      parse_frames();
      if (got_.size() >= n) break;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0 || !fill(static_cast<int>(left))) break;
    }
    parse_frames();
    return got_;
  }
  // Waits for the first event of `type` whose data contains `needle`.
  std::optional<SseEvent> wait_for(const std::string& type, const std::string& needle,
                                   int timeout_ms = 5000) {
    head(timeout_ms);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      parse_frames();
      for (std::size_t i = seen_; i < got_.size(); ++i) {
        if (got_[i].event == type && got_[i].data.find(needle) != std::string::npos) {
          seen_ = i + 1;
          return got_[i];
        }
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0 || !fill(static_cast<int>(left))) return std::nullopt;
    }
  }
  const std::string& raw() const { return all_; }

 private:
  bool fill(int timeout_ms) {
    if (fd_ < 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<std::size_t>(n));
    all_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  void parse_frames() {
    if (head_.empty()) return;
    for (;;) {
      const auto end = buf_.find("\n\n");
      if (end == std::string::npos) return;
      const std::string frame = buf_.substr(0, end + 1);
      buf_.erase(0, end + 2);
      SseEvent e;
      std::size_t i = 0;
      while (i < frame.size()) {
        const auto nl = frame.find('\n', i);
        const std::string line = frame.substr(i, nl - i);
        i = nl + 1;
        if (line.rfind("id: ", 0) == 0) e.id = line.substr(4);
        if (line.rfind("event: ", 0) == 0) e.event = line.substr(7);
        if (line.rfind("data: ", 0) == 0) e.data += line.substr(6);
      }
      if (!e.event.empty()) got_.push_back(e);
    }
  }
  int fd_ = -1;
  std::string buf_;
  std::string head_;
  std::string all_;
  std::vector<SseEvent> got_;
  std::size_t seen_ = 0;
};

}  // namespace dialcore::test
