#include "sim/agents/floor_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <limits>
#include <random>
#include <thread>

#include "sim/common/cli_values.hpp"

namespace dialcore::sim::agents {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kRequestTimeout = std::chrono::seconds(5);
constexpr auto kReconnectDelay = std::chrono::milliseconds(200);
constexpr auto kStopBound = std::chrono::seconds(6);

struct Reply {
  int status = 0;  // 0: no answer (the error says why)
  std::string body;
  std::string error;
};

std::string json_string(const json::value& v, const char* key) {
  if (!v.is_object()) return "";
  const auto* f = v.as_object().if_contains(key);
  return f != nullptr && f->is_string() ? std::string(f->as_string()) : "";
}

std::string error_code_of(const Reply& r) {
  json::error_code ec;
  const auto v = json::parse(r.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("error")) return r.error;
  return json_string(v.at("error"), "code");
}

double draw(std::mt19937_64& rng, const Range& r) {
  return r.max > r.min ? std::uniform_real_distribution<double>(r.min, r.max)(rng) : r.min;
}

}  // namespace

struct Agent {
  std::size_t index = 0;
  AgentAccount account;
  FloorCounts counts;
  std::string token;
  std::string last_event_id;
  std::mt19937_64 rng;
  bool wrapping = false;  // a wrap POST is scheduled or in flight
  bool pausing = false;   // a pause is in progress (pause .. available)
  Clock::time_point on_call_since;
  bool on_call = false;
  bool stream_ready = false, stream_refused = false;  // the first stream's answer
  std::shared_ptr<beast::tcp_stream> stream;  // the event stream while open
  std::vector<std::string> sse_buffer;
  std::string pending;  // stream bytes not yet a whole frame
};

struct FloorClients::Impl {
  Options options;
  std::string host, port;
  std::vector<std::unique_ptr<Agent>> agents;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(io);
  std::thread thread;
  bool stopping = false;  // io thread only

  void log(const Agent& a, const std::string& what) const {
    if (options.verbose) std::fprintf(stderr, "api %s %s\n", a.account.login.c_str(), what.c_str());
  }

  awaitable<Reply> request(http::verb method, const char* target, std::string body, std::string token) {
    Reply out;
    try {
      auto ex = co_await asio::this_coro::executor;
      tcp::resolver resolver(ex);
      beast::tcp_stream stream(ex);
      stream.expires_after(kRequestTimeout);
      const auto endpoints = co_await resolver.async_resolve(host, port, use_awaitable);
      co_await stream.async_connect(endpoints, use_awaitable);
      http::request<http::string_body> req{method, target, 11};
      req.set(http::field::host, host);
      req.set(http::field::user_agent, "dialcore-agent-sim");
      if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
      if (method == http::verb::post) {
        req.set(http::field::content_type, "application/json");
        req.body() = std::move(body);
        req.prepare_payload();
      }
      stream.expires_after(kRequestTimeout);
      co_await http::async_write(stream, req, use_awaitable);
      beast::flat_buffer buffer;
      http::response<http::string_body> res;
      co_await http::async_read(stream, buffer, res, use_awaitable);
      out.status = res.result_int();
      out.body = std::move(res.body());
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    } catch (const std::exception& e) {
      out.status = 0;
      out.error = e.what();
    }
    co_return out;
  }

  awaitable<Reply> post(Agent& a, const char* target, std::string body) {
    auto r = co_await request(http::verb::post, target, std::move(body), a.token);
    log(a, std::string("POST ") + target + " " + std::to_string(r.status));
    co_return r;
  }

  // A request after the start: a refusal is counted and remembered, never fatal.
  void count_failure(Agent& a, const std::string& what, const Reply& r) {
    ++a.counts.errors;
    a.counts.last_error = what + ": " + (r.status == 0 ? r.error : std::to_string(r.status) + " " + error_code_of(r));
    log(a, a.counts.last_error);
  }

  // The start: API login and floor login; an error text names the agent and the cause.
  awaitable<std::optional<std::string>> login(Agent& a) {
    const std::string who = "agent " + a.account.login + ": ";
    std::string credentials = json::serialize(
        json::object{{"username", a.account.login}, {"password", a.account.api_password}});
    auto r = co_await request(http::verb::post, "/api/v1/auth/login", std::move(credentials), std::string());
    if (r.status == 0) co_return "the API at " + options.api + " is unreachable: " + r.error;
    if (r.status != 200) {
      co_return who + "login refused: " + std::to_string(r.status) + " " + error_code_of(r);
    }
    json::error_code ec;
    const auto v = json::parse(r.body, ec);
    a.token = ec ? "" : json_string(v, "token");
    if (a.token.empty()) co_return who + "login answer without a token";
    if (v.as_object().contains("agent_id") && v.at("agent_id").is_int64()) a.counts.agent_id = v.at("agent_id").as_int64();
    // The event stream first, so the floor session's first transitions are seen.
    asio::co_spawn(io, follow(a), asio::detached);
    for (int i = 0; i < 500 && !a.stream_ready && !a.stream_refused; ++i) co_await sleep(0.01);
    if (!a.stream_ready) co_return who + "the event stream did not open: " + a.counts.last_error;
    json::object voice;
    if (options.voice_mode != "default") {
      voice = json::object{{"mode", options.voice_mode}, {"persistent", options.persistent}};
      // Call-me rings a phone: this agent's own handset, by its SIP user.
      if (options.voice_mode == "call_me") voice["phone"] = a.account.sip_user;
    }
    std::string voice_body = json::serialize(voice);
    r = co_await post(a, "/api/v1/floor/login", std::move(voice_body));
    if (r.status != 200) {
      co_return who + "floor login refused: " +
          (r.status == 0 ? r.error : std::to_string(r.status) + " " + error_code_of(r));
    }
    a.counts.logged_in = true;
    a.counts.state = json_string(json::parse(r.body, ec), "state");
    co_return std::nullopt;
  }

  awaitable<void> sleep(double seconds) {
    asio::steady_timer t(co_await asio::this_coro::executor);
    t.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
    co_await t.async_wait(use_awaitable);
  }

  const std::string& draw_code(Agent& a) {
    std::vector<double> weights;
    for (const auto& c : options.wrap_codes) weights.push_back(c.weight);
    std::discrete_distribution<std::size_t> d(weights.begin(), weights.end());
    return options.wrap_codes[d(a.rng)].code;
  }

  awaitable<bool> submit_wrap(Agent& a) {
    const std::string code = draw_code(a);
    std::string body = json::serialize(json::object{{"code", code}, {"notes", "dialcore-agent-sim"}});
    const auto r = co_await post(a, "/api/v1/floor/wrap", std::move(body));
    if (r.status != 200) {
      count_failure(a, "wrap " + code, r);
      co_return false;
    }
    ++a.counts.wraps;
    ++a.counts.dispositions[code];
    co_return true;
  }

  awaitable<void> wrap_later(Agent& a) {
    try {
      co_await sleep(draw(a.rng, options.wrap_s));
    } catch (const std::exception&) {
      co_return;
    }
    if (stopping || !a.wrapping) co_return;
    const bool ok = co_await submit_wrap(a);
    a.wrapping = false;
    if (ok) co_await maybe_pause(a);
  }

  awaitable<void> maybe_pause(Agent& a) {
    if (stopping || a.pausing || options.pause_prob <= 0) co_return;
    if (std::uniform_real_distribution<double>(0, 1)(a.rng) >= options.pause_prob) co_return;
    a.pausing = true;
    const auto& reason = options.pause_reasons[std::uniform_int_distribution<std::size_t>(
        0, options.pause_reasons.size() - 1)(a.rng)];
    std::string body = json::serialize(json::object{{"reason", reason}});
    auto r = co_await post(a, "/api/v1/floor/pause", std::move(body));
    if (r.status != 200) {
      count_failure(a, "pause " + reason, r);
      a.pausing = false;
      co_return;
    }
    ++a.counts.pauses;
    try {
      co_await sleep(draw(a.rng, options.pause_s));
    } catch (const std::exception&) {
      co_return;
    }
    if (stopping) co_return;
    r = co_await post(a, "/api/v1/floor/available", std::string());
    a.pausing = false;
    if (r.status != 200) {
      count_failure(a, "available", r);
      co_return;
    }
    ++a.counts.availables;
  }

  awaitable<void> answer(Agent& a, std::int64_t call) {
    std::string body = call != 0 ? json::serialize(json::object{{"call", call}}) : std::string("{}");
    const auto r = co_await post(a, "/api/v1/floor/calls/answer", std::move(body));
    if (r.status != 200) {
      count_failure(a, "answer", r);
      co_return;
    }
    ++a.counts.answers;
  }

  // A payment on the call just connected (seed 003 §16): the floor arms DTMF masking, so the
  // customer's keys reach neither this handset nor the recording (the e2e test checks both).
  awaitable<void> start_payment(Agent& a) {
    const auto r = co_await post(a, "/api/v1/floor/payment", std::string("{}"));
    if (r.status != 200 && r.status != 201) {
      count_failure(a, "payment", r);
      co_return;
    }
    ++a.counts.payments;
  }

  void on_state(Agent& a, const json::value& v) {
    const std::string from = json_string(v, "from");
    const std::string to = json_string(v, "to");
    a.counts.state = to;
    const auto now = Clock::now();
    if (a.on_call && to != "on_call") {
      a.counts.on_call_seconds += std::chrono::duration<double>(now - a.on_call_since).count();
      a.on_call = false;
    }
    const bool connected = to == "on_call" && !a.on_call;
    if (connected) {
      a.on_call = true;
      a.on_call_since = now;
    }
    if (stopping) return;
    auto ex = io.get_executor();
    if (connected && options.pay_prob > 0 &&
        std::uniform_real_distribution<double>(0, 1)(a.rng) < options.pay_prob) {
      asio::co_spawn(ex, start_payment(a), asio::detached);
    }
    if (to == "reserved" && options.api_answer) {
      const auto* call = v.as_object().if_contains("call");
      asio::co_spawn(ex, answer(a, call != nullptr && call->is_int64() ? call->as_int64() : 0), asio::detached);
    } else if (to == "wrap" && !a.wrapping) {
      a.wrapping = true;
      asio::co_spawn(ex, wrap_later(a), asio::detached);
    } else if (to == "available" && from == "no_voice") {
      asio::co_spawn(ex, maybe_pause(a), asio::detached);
    }
  }

  void on_event(Agent& a, const std::string& id, const std::string& type, const std::string& data) {
    ++a.counts.events;
    if (!id.empty()) a.last_event_id = id;
    json::error_code ec;
    const auto v = json::parse(data, ec);
    if (ec) {
      ++a.counts.errors;
      return;
    }
    log(a, "event " + type + " " + data);
    if (type == "state") return on_state(a, v);
    if (type == "replay_gap") ++a.counts.replay_gaps;
    if (type == "call" && json_string(v, "action") == "offered") ++a.counts.offers;
  }

  void feed(Agent& a, std::string_view bytes) {
    a.pending.append(bytes);
    for (;;) {
      const auto end = a.pending.find("\n\n");
      if (end == std::string::npos) return;
      const std::string frame = a.pending.substr(0, end + 1);
      a.pending.erase(0, end + 2);
      std::string id, type, data;
      std::size_t i = 0;
      while (i < frame.size()) {
        const auto nl = frame.find('\n', i);
        std::string line = frame.substr(i, nl - i);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        i = nl + 1;
        if (line.rfind("id:", 0) == 0) id = line.substr(line.size() > 3 && line[3] == ' ' ? 4 : 3);
        if (line.rfind("event:", 0) == 0) type = line.substr(line.size() > 6 && line[6] == ' ' ? 7 : 6);
        if (line.rfind("data:", 0) == 0) data += line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
      }
      if (!type.empty()) on_event(a, id, type, data);
    }
  }

  // One connection of the event stream: true when it ended by itself (reconnect).
  awaitable<bool> stream_once(Agent& a) {
    auto ex = co_await asio::this_coro::executor;
    a.stream = std::make_shared<beast::tcp_stream>(ex);
    auto stream = a.stream;
    try {
      tcp::resolver resolver(ex);
      stream->expires_after(kRequestTimeout);
      const auto endpoints = co_await resolver.async_resolve(host, port, use_awaitable);
      co_await stream->async_connect(endpoints, use_awaitable);
      http::request<http::empty_body> req{http::verb::get, "/api/v1/floor/events", 11};
      req.set(http::field::host, host);
      req.set(http::field::accept, "text/event-stream");
      req.set(http::field::authorization, "Bearer " + a.token);
      if (!a.last_event_id.empty()) req.set("Last-Event-ID", a.last_event_id);
      co_await http::async_write(*stream, req, use_awaitable);
      beast::flat_buffer buffer;
      http::response_parser<http::buffer_body> parser;
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      co_await http::async_read_header(*stream, buffer, parser, use_awaitable);
      if (parser.get().result_int() != 200) {
        a.stream_refused = true;
        ++a.counts.errors;
        a.counts.last_error = "event stream: " + std::to_string(parser.get().result_int());
        a.stream.reset();
        co_return false;  // refused: reconnecting would be refused again
      }
      stream->expires_never();  // no heartbeats: an idle stream is normal
      a.stream_ready = true;
      a.pending.clear();
      while (!parser.is_done() && !stopping) {
        char chunk[4096];
        parser.get().body().data = chunk;
        parser.get().body().size = sizeof chunk;
        beast::error_code ec;
        // read_some: back with whatever arrived (async_read would wait to fill the chunk).
        co_await http::async_read_some(*stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
        if (ec && ec != http::error::need_buffer) break;
        feed(a, std::string_view(chunk, sizeof chunk - parser.get().body().size));
      }
    } catch (const std::exception& e) {
      if (!a.stream_ready) a.counts.last_error = std::string("event stream: ") + e.what();
      log(a, std::string("event stream: ") + e.what());
    }
    a.stream.reset();
    co_return !stopping;
  }

  awaitable<void> follow(Agent& a) {
    while (!stopping && co_await stream_once(a)) {
      ++a.counts.reconnects;
      try {
        co_await sleep(std::chrono::duration<double>(kReconnectDelay).count());
      } catch (const std::exception&) {
        co_return;
      }
    }
  }

  awaitable<void> logout(Agent& a) {
    if (!a.counts.logged_in) co_return;
    if (a.counts.state == "wrap") {
      a.wrapping = true;  // a pending wrap_later sees stopping and does nothing
      co_await submit_wrap(a);
    }
    auto r = co_await post(a, "/api/v1/floor/logout", std::string());
    if (r.status == 200) {
      ++a.counts.logouts;
      a.counts.state = "logged_out";
    } else {
      count_failure(a, "floor logout", r);
    }
    r = co_await post(a, "/api/v1/auth/logout", std::string());
    if (r.status != 200) count_failure(a, "session logout", r);
  }

  awaitable<std::optional<std::string>> start_all() {
    for (auto& a : agents) {
      if (auto error = co_await login(*a)) co_return error;
    }
    co_return std::nullopt;
  }

  awaitable<void> stop_streams() {
    stopping = true;
    for (auto& a : agents) {
      if (a->stream) a->stream->cancel();
    }
    co_return;
  }
};

FloorClients::FloorClients(const Options& options, std::vector<AgentAccount> accounts)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  std::string rest = options.api.substr(options.api.find("://") + 3);
  rest = rest.substr(0, rest.find('/'));
  const auto hp = parse_host_port(rest);
  impl_->host = hp ? hp->host : rest;
  impl_->port = hp ? std::to_string(hp->port) : "80";
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    auto a = std::make_unique<Agent>();
    a->index = i;
    a->account = std::move(accounts[i]);
    a->rng.seed(options.seed * 1000003ULL + i);
    impl_->agents.push_back(std::move(a));
  }
}

FloorClients::~FloorClients() { stop(); }

std::optional<std::string> FloorClients::start() {
  impl_->thread = std::thread([this] { impl_->io.run(); });
  auto done = asio::co_spawn(impl_->io, impl_->start_all(), asio::use_future);
  // Each request is bounded by its own timer; the whole start by their number.
  auto error = done.get();
  if (error) stop();
  return error;
}

void FloorClients::stop() {
  if (!impl_->thread.joinable()) return;
  asio::co_spawn(impl_->io, impl_->stop_streams(), asio::use_future).wait();
  // Every agent logs out at once (each request bounded), all within one deadline.
  std::vector<std::future<void>> logouts;
  for (auto& a : impl_->agents) logouts.push_back(asio::co_spawn(impl_->io, impl_->logout(*a), asio::use_future));
  const auto deadline = Clock::now() + kStopBound;
  for (auto& f : logouts) {
    if (f.wait_until(deadline) != std::future_status::ready) {
      std::fprintf(stderr, "dialcore-agent-sim: API logout did not finish within %lld s\n",
                   static_cast<long long>(kStopBound.count()));
      break;
    }
  }
  impl_->guard.reset();
  impl_->io.stop();
  impl_->thread.join();
}

std::vector<FloorCounts> FloorClients::counts() const {
  std::vector<FloorCounts> out;
  for (const auto& a : impl_->agents) out.push_back(a->counts);
  return out;
}

}  // namespace dialcore::sim::agents
