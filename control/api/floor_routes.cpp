#include "control/api/floor_routes.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <set>

#include "control/api/api_error.hpp"

namespace dialcore::control::api {

namespace json = boost::json;
namespace fl = dialcore::control::floor;

namespace {

ApiResponse answer(const fl::FloorResult& r) {
  if (!r.ok()) return error_response(static_cast<unsigned>(r.status), r.code, r.message);
  return json_response(static_cast<unsigned>(r.status), json::serialize(r.body));
}

// The body as an object with only `allowed` keys; status 0 when fine.
ApiResponse read_body(const ApiRequest& request, std::initializer_list<std::string_view> allowed,
                      json::object& out) {
  out = {};
  if (!request.body.empty()) {
    json::error_code ec;
    json::value v = json::parse(request.body, ec);
    if (ec) return error_response(400, "malformed_json", "body is not JSON: " + ec.message());
    if (!v.is_object()) return error_response(400, "expected_object", "body must be an object");
    out = std::move(v.get_object());
  }
  std::string unknown;
  for (const auto& kv : out) {
    bool ok = false;
    for (auto a : allowed) ok = ok || kv.key() == a;
    if (!ok) unknown += (unknown.empty() ? "" : ", ") + std::string(kv.key());
  }
  if (!unknown.empty()) return error_response(400, "unknown_field", "unknown field(s): " + unknown);
  return ApiResponse{0, "", "", 0};
}

// Typed reads: false (and `bad` names the key) on a wrong type; absent keys keep the default.
struct Reader {
  const json::object& o;
  std::string bad;
  std::string text(std::string_view key, std::string def = {}) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return def;
    if (!v->is_string()) {
      bad = std::string(key);
      return def;
    }
    return std::string(v->get_string());
  }
  std::int64_t integer(std::string_view key, std::int64_t def = 0) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return def;
    if (!v->is_int64() && !(v->is_uint64() && v->get_uint64() <= INT64_MAX)) {
      bad = std::string(key);
      return def;
    }
    return v->to_number<std::int64_t>();
  }
  bool boolean(std::string_view key, bool def = false) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return def;
    if (!v->is_bool()) {
      bad = std::string(key);
      return def;
    }
    return v->get_bool();
  }
  ApiResponse check() const {
    if (bad.empty()) return ApiResponse{0, "", "", 0};
    return error_response(400, "wrong_type", "wrong type for " + bad);
  }
};

ApiResponse forbidden() { return error_response(403, "forbidden", "this token's role may not do that"); }
ApiResponse not_allowed() {
  return error_response(405, "method_not_allowed", "method not allowed on this route");
}
ApiResponse no_route() { return error_response(404, "no_route", "no such floor route"); }

bool parse_u64(const std::string& s, std::uint64_t& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

// An EventHub sink on top of the server's connection.
class SinkAdapter final : public fl::EventSink {
 public:
  explicit SinkAdapter(std::shared_ptr<StreamSink> sink) : sink_(std::move(sink)) {}
  bool send(std::string_view frame) override { return sink_->send(frame); }
  void close() override { sink_->close(); }

 private:
  std::shared_ptr<StreamSink> sink_;
};

class FloorStream final : public ResponseStream {
 public:
  FloorStream(fl::Floor& floor, fl::StreamFilter filter, std::optional<std::uint64_t> last)
      : floor_(floor), filter_(filter), last_(last) {}
  void open(std::shared_ptr<StreamSink> sink) override {
    // The reconnect delay for EventSource clients, and a first frame so clients see the
    // stream is up before any event.
    if (!sink->send("retry: 2000\n: dialcore floor events\n\n")) return;
    id_ = floor_.hub().subscribe(filter_, std::make_shared<SinkAdapter>(std::move(sink)), last_);
  }
  void closed() override {
    if (id_ != 0) floor_.hub().unsubscribe(id_);
    id_ = 0;
  }
  std::size_t max_queue_bytes() const override { return floor_.settings().stream_queue_bytes; }

 private:
  fl::Floor& floor_;
  fl::StreamFilter filter_;
  std::optional<std::uint64_t> last_;
  std::uint64_t id_ = 0;
};

bool parse_target(Reader& in, fl::TransferTarget& to, ApiResponse& bad) {
  const std::string kind = in.text("target_type", "number");
  to.value = in.text("target");
  if (auto b = in.check(); b.status) {
    bad = b;
    return false;
  }
  if (kind == "agent") {
    to.kind = fl::TargetKind::Agent;
  } else if (kind == "queue") {
    to.kind = fl::TargetKind::Queue;
  } else if (kind == "number") {
    to.kind = fl::TargetKind::Number;
  } else {
    bad = error_response(422, "bad_target", "target_type is agent, queue or number");
    return false;
  }
  if (to.value.empty()) {
    bad = error_response(422, "bad_target", "target is required");
    return false;
  }
  return true;
}

}  // namespace

ApiResponse FloorRoutes::handle(const ApiRequest& request, const Principal& who,
                                const std::vector<std::string>& parts, std::string& route) {
  std::string path;
  for (std::size_t i = 3; i < parts.size(); ++i) path += (i > 3 ? "/" : "") + parts[i];
  route = "/api/v1/floor/" + path;
  const bool supervisor_path =
      path == "agents" || path == "supervisor/events" ||
      (path == "assist" && request.method == "GET") ||
      (parts.size() >= 5 && (parts[3] == "agents" || parts[3] == "assist"));
  if (supervisor_path) {
    if (who.role == Role::Agent) return forbidden();
    return supervisor_route(request, who, parts, route);
  }
  if (who.role != Role::Agent) return forbidden();  // the agent routes act on the caller
  return agent_route(request, who.agent_id, path);
}

ApiResponse FloorRoutes::agent_route(const ApiRequest& request, std::int64_t agent,
                                     const std::string& path) {
  const std::string& m = request.method;
  if (path == "events") {
    if (m != "GET") return not_allowed();
    return events(request, fl::StreamFilter{false, agent, std::nullopt});
  }
  if (path == "me") {
    if (m != "GET") return not_allowed();
    return answer(floor_.snapshot(agent));
  }
  if (path.rfind("calls/", 0) == 0 || path.rfind("recording/", 0) == 0) {
    if (m != "POST") return not_allowed();
    return call_route(request, agent, path);
  }
  if (path == "payment" || path.rfind("payment/", 0) == 0) {
    return payment_route(request, agent, path);
  }
  if (m != "POST") return path == "login" || path == "logout" || path == "pause" ||
                                  path == "available" || path == "wrap" || path == "assist"
                              ? not_allowed()
                              : no_route();
  json::object body;
  if (path == "login") {
    if (auto bad = read_body(request, {"mode", "phone", "persistent"}, body); bad.status) return bad;
    std::optional<fl::VoiceRequest> voice;
    if (!body.empty()) {
      Reader in{body, {}};
      fl::VoiceRequest v;
      const std::string mode = in.text("mode", "call_me");
      v.phone = in.text("phone");
      v.persistent = in.boolean("persistent", true);
      if (auto bad = in.check(); bad.status) return bad;
      if (mode != "call_me" && mode != "call_in") {
        return error_response(422, "bad_mode", "mode is call_me or call_in");
      }
      v.mode = mode == "call_me" ? fl::VoiceMode::CallMe : fl::VoiceMode::CallIn;
      voice = v;
    }
    return answer(floor_.login(agent, voice));
  }
  if (auto bad = read_body(request, {"reason", "code", "notes", "message", "priority"}, body);
      bad.status) {
    return bad;
  }
  Reader in{body, {}};
  if (path == "logout") return answer(floor_.logout(agent));
  if (path == "voice/reconnect") return answer(floor_.reconnect_voice(agent));
  if (path == "pause") {
    const std::string reason = in.text("reason");
    if (auto bad = in.check(); bad.status) return bad;
    return answer(floor_.pause(agent, reason));
  }
  if (path == "available") return answer(floor_.available(agent));
  if (path == "wrap") {
    const std::string code = in.text("code");
    const std::string notes = in.text("notes");
    if (auto bad = in.check(); bad.status) return bad;
    return answer(floor_.wrap(agent, code, notes));
  }
  if (path == "wrap/extend") return answer(floor_.extend_wrap(agent));
  if (path == "assist") {
    const std::string message = in.text("message");
    const std::string priority = in.text("priority");
    if (auto bad = in.check(); bad.status) return bad;
    return answer(floor_.request_assistance(agent, message, priority));
  }
  return no_route();
}

ApiResponse FloorRoutes::call_route(const ApiRequest& request, std::int64_t agent,
                                    const std::string& op) {
  json::object body;
  if (auto bad = read_body(request,
                           {"call", "target_type", "target", "terminate", "campaign_id", "number",
                            "prompt", "tag"},
                           body);
      bad.status) {
    return bad;
  }
  Reader in{body, {}};
  const auto call = static_cast<fl::CallId>(in.integer("call"));
  if (auto bad = in.check(); bad.status) return bad;
  if (op == "calls/answer") return answer(floor_.answer(agent, call));
  if (op == "calls/hangup") return answer(floor_.hang_up(agent, call));
  if (op == "calls/hold") return answer(floor_.hold(agent, call, true));
  if (op == "calls/retrieve") return answer(floor_.hold(agent, call, false));
  if (op == "calls/mute") return answer(floor_.mute(agent, call, true));
  if (op == "calls/unmute") return answer(floor_.mute(agent, call, false));
  if (op == "calls/merge") return answer(floor_.merge(agent));
  if (op == "calls/complete-transfer") return answer(floor_.complete_transfer(agent));
  if (op == "calls/leave") {
    const bool terminate = in.boolean("terminate");
    if (auto bad = in.check(); bad.status) return bad;
    return answer(floor_.leave(agent, terminate));
  }
  if (op == "calls/transfer" || op == "calls/consult") {
    fl::TransferTarget to;
    ApiResponse bad;
    if (!parse_target(in, to, bad)) return bad;
    return answer(op == "calls/transfer" ? floor_.transfer(agent, call, to)
                                         : floor_.consult(agent, to));
  }
  if (op == "calls/manual") {
    const std::int64_t campaign = in.integer("campaign_id");
    const std::string number = in.text("number");
    if (auto bad = in.check(); bad.status) return bad;
    return answer(floor_.manual_call(agent, campaign, number));
  }
  if (op == "calls/announce") {
    const std::string prompt = in.text("prompt");
    if (auto bad = in.check(); bad.status) return bad;
    return answer(floor_.announce(agent, prompt));
  }
  static const std::pair<const char*, fl::RecordingAction> kRec[] = {
      {"recording/start", fl::RecordingAction::Start},
      {"recording/stop", fl::RecordingAction::Stop},
      {"recording/pause", fl::RecordingAction::Pause},
      {"recording/resume", fl::RecordingAction::Resume},
      {"recording/tag", fl::RecordingAction::Tag}};
  for (const auto& [name, action] : kRec) {
    if (op != name) continue;
    const std::string tag = in.text("tag");
    if (auto bad = in.check(); bad.status) return bad;
    return answer(floor_.recording(agent, action, tag));
  }
  return no_route();
}

ApiResponse FloorRoutes::payment_route(const ApiRequest& request, std::int64_t agent,
                                       const std::string& op) {
  const std::string& m = request.method;
  if (op == "payment") {
    if (m == "GET") return answer(floor_.payment_status(agent));
    if (m == "POST") return answer(floor_.payment_start(agent));
    if (m == "DELETE") return answer(floor_.payment_end(agent));
    return not_allowed();
  }
  if (m != "POST") return not_allowed();
  if (op == "payment/reset-card") return answer(floor_.payment_reset(agent, fl::CardField::Card));
  if (op == "payment/reset-cvv") return answer(floor_.payment_reset(agent, fl::CardField::Cvv));
  if (op != "payment/submit") return no_route();
  json::object body;
  if (auto bad = read_body(request,
                           {"reference", "cardholder", "amount_cents", "currency", "expiry_month",
                            "expiry_year"},
                           body);
      bad.status) {
    return bad;
  }
  Reader in{body, {}};
  fl::PaymentForm form;
  form.reference = in.text("reference");
  form.cardholder = in.text("cardholder");
  form.amount_cents = in.integer("amount_cents");
  form.currency = in.text("currency", "AUD");
  form.expiry_month = static_cast<int>(in.integer("expiry_month"));
  form.expiry_year = static_cast<int>(in.integer("expiry_year"));
  if (auto bad = in.check(); bad.status) return bad;
  return answer(floor_.payment_submit(agent, form));
}

ApiResponse FloorRoutes::supervisor_route(const ApiRequest& request, const Principal& who,
                                          const std::vector<std::string>& parts,
                                          std::string& route) {
  const std::string& m = request.method;
  const std::string& what = parts[3];
  std::optional<std::int64_t> team;
  if (const auto it = request.query.find("team"); it != request.query.end()) {
    std::uint64_t t = 0;
    if (!parse_u64(it->second, t) || t == 0 || t > INT64_MAX) {
      return error_response(400, "bad_query", "team is a team id");
    }
    team = static_cast<std::int64_t>(t);
  }
  if (parts.size() == 5 && what == "supervisor" && parts[4] == "events") {
    if (m != "GET") return not_allowed();
    return events(request, fl::StreamFilter{true, 0, team});
  }
  if (parts.size() == 4 && what == "agents") {
    if (m != "GET") return not_allowed();
    return answer(floor_.agents());
  }
  if (parts.size() == 4 && what == "assist") {
    if (m != "GET") return not_allowed();
    return answer(floor_.assistance_list(team));
  }
  std::uint64_t id = 0;
  if (parts.size() != 6 || !parse_u64(parts[4], id) || id == 0 || id > INT64_MAX) {
    return no_route();
  }
  route = "/api/v1/floor/" + what + "/{id}/" + parts[5];
  if (m != "POST") return not_allowed();
  if (what == "assist" && parts[5] == "seen") return answer(floor_.assistance_seen(id, who.actor));
  if (what == "agents" && parts[5] == "available") {
    return answer(floor_.supervisor_available(static_cast<std::int64_t>(id)));
  }
  if (what == "agents" && parts[5] == "logout") {
    return answer(floor_.force_logout(static_cast<std::int64_t>(id)));
  }
  return no_route();
}

ApiResponse FloorRoutes::events(const ApiRequest& request, fl::StreamFilter filter) {
  std::optional<std::uint64_t> last;
  std::string text = request.last_event_id;
  if (text.empty()) {
    // EventSource cannot set headers on its first connection: the query may carry it.
    if (const auto it = request.query.find("last_event_id"); it != request.query.end()) {
      text = it->second;
    }
  }
  if (!text.empty()) {
    std::uint64_t v = 0;
    if (!parse_u64(text, v)) return error_response(400, "bad_last_event_id", "not an event id");
    last = v;
  }
  ApiResponse r{200, "text/event-stream", "", 0};
  r.stream = std::make_shared<FloorStream>(floor_, filter, last);
  return r;
}

std::optional<fl::AgentProfile> StoreFloorDirectory::agent(fl::AgentId id) {
  auto a = store_.agents().get(id);
  if (!a) return std::nullopt;
  fl::AgentProfile p;
  p.username = a->username;
  p.teams = a->teams;
  p.may_pause = a->perm_pause_reasons;
  p.manual_call = a->perm_manual_call;
  p.receive_transfers_when_paused = a->perm_transfers_when_paused;
  p.login_in_pause = a->login_in_pause;
  p.dnd_in_pause = a->dnd_in_pause;
  p.voice.mode =
      a->connection_mode == store::ConnectionMode::CallIn ? fl::VoiceMode::CallIn : fl::VoiceMode::CallMe;
  p.voice.persistent = a->connection_persistent;
  p.voice.phone = a->default_phone;
  return p;
}

std::optional<agent_state::WrapPolicy> StoreFloorDirectory::wrap_policy(std::int64_t campaign_id) {
  agent_state::WrapPolicy w;
  if (campaign_id != 0) {
    auto c = store_.campaigns().get(campaign_id);
    if (!c) return std::nullopt;
    if (c->wrap_timeout_s > 0) {
      w.timer_ms = c->wrap_timeout_s * 1000;
      w.auto_code = auto_wrap_code_;
    }
  }
  store::Query q;
  q.limit = 10000;
  auto codes = store_.wrap_codes().list(q);
  if (!codes) return w;  // the machine then takes any non-empty code
  std::set<std::string> seen;
  for (const auto& code : *codes) {
    if (code.campaign_id && *code.campaign_id != campaign_id) continue;
    if (seen.insert(code.code).second) w.codes.push_back(code.code);
  }
  if (!w.auto_code.empty() && seen.insert(w.auto_code).second) w.codes.push_back(w.auto_code);
  return w;
}

}  // namespace dialcore::control::api
