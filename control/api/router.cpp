#include "control/api/router.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <exception>

#include "control/api/agent_resource.hpp"
#include "control/api/api_error.hpp"
#include "control/api/cdr_routes.hpp"
#include "control/api/recording_routes.hpp"
#include "control/api/campaign_control.hpp"
#include "control/api/queue_control.hpp"
#include "control/api/floor_routes.hpp"
#include "control/api/lead_routes.hpp"
#include "control/api/record_codec.hpp"

namespace dialcore::control::api {

namespace json = boost::json;

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    const auto j = path.find('/', i);
    const auto end = j == std::string::npos ? path.size() : j;
    if (end > i) parts.push_back(path.substr(i, end - i));
    i = end + 1;
  }
  return parts;
}

bool parse_id(const std::string& s, std::int64_t& id) { return detail::text_int(s, id) && id > 0; }

// The body as a JSON object; status 0 when fine. An empty body is an empty object.
ApiResponse body_object(const ApiRequest& request, json::object& out) {
  if (request.body.empty()) {
    out = {};
    return ApiResponse{0, "", "", 0};
  }
  json::error_code ec;
  json::value v = json::parse(request.body, ec);
  if (ec) return error_response(400, "malformed_json", "body is not JSON: " + ec.message());
  if (!v.is_object()) return error_response(400, "expected_object", "body must be a JSON object");
  out = std::move(v.get_object());
  return ApiResponse{0, "", "", 0};
}

ApiResponse unauthorized() {
  return error_response(401, "unauthorized", "missing or unknown bearer token");
}
ApiResponse forbidden() {
  return error_response(403, "forbidden", "this token's role may not do that");
}
ApiResponse method_not_allowed() {
  return error_response(405, "method_not_allowed", "method not allowed on this route");
}

// {"ids": [1, 2, ...]}: 1 to 1,000 positive ids, nothing else.
ApiResponse bulk_ids(const json::object& body, std::vector<std::int64_t>& ids) {
  constexpr std::size_t kMax = 1000;
  for (const auto& kv : body) {
    if (kv.key() != "ids") return error_response(400, "unknown_field", "bulk-delete takes only ids");
  }
  const auto* list = body.if_contains("ids");
  if (list == nullptr) return error_response(400, "missing_field", "ids is required");
  if (!list->is_array() || list->as_array().empty() || list->as_array().size() > kMax) {
    return error_response(400, "wrong_type", "ids must be an array of 1 to 1000 ids");
  }
  for (const auto& v : list->as_array()) {
    if (!v.is_int64() || v.get_int64() <= 0) {
      return error_response(400, "wrong_type", "ids must be positive integers");
    }
    ids.push_back(v.get_int64());
  }
  return ApiResponse{0, "", "", 0};
}

}  // namespace

Router::Router(store::Store& store, agents::AgentService& agents,
               std::function<std::int64_t()> now_ms)
    : store_(store), agents_(agents), now_ms_(std::move(now_ms)) {
  resources_ = make_config_resources(store_);
  resources_.push_back({"agents", make_agent_resource(store_, agents_)});
  auth_.attach(store_.sessions(), now_ms_());
}

Router::~Router() = default;

void Router::apply(const LiveSettings& s) {
  auth_.set_admin_token(s.admin_token);
  auth_.set_supervisor_token(s.supervisor_token);
  login_limiter_.configure(s.login_max_attempts, s.login_window_s);
  max_body_bytes_ = s.max_body_bytes;
}

store::Actor Router::actor(const Principal& who) const {
  return store::Actor{who.actor, now_ms_()};
}

void Router::handle(const ApiRequest& request, Done done) {
  const auto start = std::chrono::steady_clock::now();
  auto route = std::make_shared<std::string>("unmatched");
  Done finish = [this, start, route, method = request.method,
                 done = std::move(done)](ApiResponse r) {
    if (r.status == 500 || r.status == 503 || r.status == 507) metrics_.store_error();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    metrics_.record_request(method, *route, r.status, seconds);
    done(std::move(r));
  };
  Answer now;
  try {
    now = dispatch(request, *route, finish);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "api: internal error on %s %s: %s\n", request.method.c_str(),
                 request.path.c_str(), e.what());
    now = error_response(500, "internal", "internal error");
  }
  if (now) finish(std::move(*now));
}

Router::Answer Router::slow(SlowFn work, Done then) {
  if (!offload_) {
    then(work(agents_, store_));
    return std::nullopt;
  }
  auto result = std::make_shared<ApiResponse>();
  offload_(
      [work = std::move(work), result](agents::AgentService* s, store::Store* st) {
        try {
          *result = (s && st) ? work(*s, *st)
                              : error_response(503, "busy", "the password lane has no store");
        } catch (const std::exception& e) {
          std::fprintf(stderr, "api: internal error in password work: %s\n", e.what());
          *result = error_response(500, "internal", "internal error");
        }
      },
      [result, then = std::move(then)] { then(std::move(*result)); });
  return std::nullopt;
}

Router::Answer Router::dispatch(const ApiRequest& request, std::string& route, const Done& finish) {
  const auto parts = split_path(request.path);
  const std::string& m = request.method;
  if (request.path == "/metrics") {
    route = "/metrics";
    if (m != "GET") return method_not_allowed();
    return ApiResponse{200, "text/plain; version=0.0.4", metrics_.render(store_, auth_.sessions(), auth_.store_errors()),
                       0};
  }
  if (parts.size() < 3 || parts[0] != "api" || parts[1] != "v1") {
    return error_response(404, "no_route", "no such route");
  }
  if (parts.size() == 3 && parts[2] == "health") {
    route = "/api/v1/health";
    if (m != "GET") return method_not_allowed();
    const bool ok = store_.agents().count({}).ok();
    return json_response(
        ok ? 200 : 503, json::serialize(json::object{{"status", ok ? "ok" : "store_unavailable"},
                                                     {"schema_version", store_.schema_version()}}));
  }
  if (parts.size() == 4 && parts[2] == "auth") {
    route = "/api/v1/auth/" + parts[3];
    return auth_routes(request, parts[3], finish);
  }
  const auto who = auth_.authenticate(request.authorization, now_ms_());
  if (!who) {
    route = "/api/v1/" + parts[2];
    return unauthorized();
  }
  if (parts.size() == 3 && parts[2] == "status") {
    route = "/api/v1/status";
    if (m != "GET") return method_not_allowed();
    if (who->role == Role::Agent) return forbidden();
    return status();
  }
  if (parts.size() == 3 && parts[2] == "audit") {
    route = "/api/v1/audit";
    if (m != "GET") return method_not_allowed();
    if (who->role != Role::Admin) return forbidden();
    return audit(request);
  }
  if (parts[2] == "floor" && parts.size() >= 4) {
    route = "/api/v1/floor";
    if (floor_ == nullptr) {
      return error_response(404, "floor_not_running", "the agent floor is not running here");
    }
    ApiResponse r = floor_->handle(request, *who, parts, route);
    if (m != "POST" || r.status >= 300 || !floor_durable_) return r;
    floor_durable_([finish, r = std::move(r)]() mutable { finish(std::move(r)); });
    return std::nullopt;
  }
  // Collections.
  std::int64_t id = 0;
  if (parts[2] == "agents" && parts.size() >= 5 && parse_id(parts[3], id)) {
    std::string action = parts[4];
    for (std::size_t i = 5; i < parts.size(); ++i) action += "/" + parts[i];
    return agent_action(request, *who, id, action, route, finish);
  }
  if (who->role == Role::Agent) {
    // An agent session reads its own profile only.
    route = "/api/v1/" + parts[2] + "/{id}";
    if (parts.size() == 4 && parts[2] == "agents" && m == "GET" && parse_id(parts[3], id) &&
        id == who->agent_id) {
      for (auto& r : resources_) {
        if (r.name == "agents") return r.resource->get(id);
      }
    }
    return forbidden();
  }
  if (m != "GET" && who->role != Role::Admin) {
    route = "/api/v1/" + parts[2];
    return forbidden();
  }
  if (parts.size() == 4 && parts[2] == "config" && parts[3] == "reload") {
    route = "/api/v1/config/reload";
    if (m != "POST") return method_not_allowed();  // non-admins were refused above
    if (!reload_) return error_response(404, "reload_not_available", "no reload in this process");
    return reload_response(reload_(actor(*who).name));
  }
  // Call history: supervisors and admins read it (agents were refused above).
  if ((parts[2] == "cdrs" || parts[2] == "cdrs.csv") && parts.size() == 3) {
    route = "/api/v1/" + parts[2];
    if (m != "GET") return method_not_allowed();
    return parts[2] == "cdrs" ? list_cdrs(store_, request) : export_cdrs_csv(store_, request);
  }
  if (parts[2] == "recordings" && parts.size() == 3) {  // the recording index (issue 5)
    route = "/api/v1/recordings";
    if (m != "GET") return method_not_allowed();
    return list_recordings(store_, request);
  }
  if (parts[2] == "queues" && ((parts.size() == 4 && parts[3] == "stats") ||
                                (parts.size() == 5 && parts[4] == "stats"))) {
    route = parts.size() == 4 ? "/api/v1/queues/stats" : "/api/v1/queues/{id}/stats";
    if (m != "GET") return method_not_allowed();
    if (queues_ == nullptr) {
      return error_response(404, "queues_not_running", "no inbound queue runs in this process");
    }
    CampaignAnswer a = queues_->queue_stats(parts.size() == 4 ? std::string_view() : parts[3]);
    if (a.status >= 300) return error_response(a.status, a.code, a.message);
    return json_response(a.status, json::serialize(a.body));
  }
  if (parts[2] == "campaigns" && parts.size() >= 5 && parse_id(parts[3], id)) {
    std::string sub = parts[4];
    for (std::size_t i = 5; i < parts.size(); ++i) sub += "/" + parts[i];
    route = "/api/v1/campaigns/{id}/" + sub;
    if (sub == "leads") {
      if (m != "GET") return method_not_allowed();
      return list_leads(store_, id, request);
    }
    if (sub == "leads.csv") {
      if (m != "GET") return method_not_allowed();
      return export_leads_csv(store_, id);
    }
    if (sub == "leads/import") {
      if (m != "POST") return method_not_allowed();
      return import_leads(store_, id, request, actor(*who));
    }
    if (sub == "start" || sub == "pause" || sub == "stop" || sub == "stats") {
      if (campaigns_ == nullptr) {
        return error_response(404, "campaigns_not_running", "no campaign runs in this process");
      }
      if (m != (sub == "stats" ? "GET" : "POST")) return method_not_allowed();
      CampaignAnswer a = sub == "stats" ? campaigns_->campaign_stats(id)
                                        : campaigns_->campaign_action(id, sub);
      if (a.status >= 300) return error_response(a.status, a.code, a.message);
      return json_response(a.status, json::serialize(a.body));
    }
    route = "unmatched";
    return error_response(404, "no_route", "no such campaign route");
  }
  return collection(request, *who, parts, route, finish);
}

Router::Answer Router::collection(const ApiRequest& request, const Principal& who,
                                  const std::vector<std::string>& parts, std::string& route,
                                  const Done& finish) {
  Resource* res = nullptr;
  for (auto& r : resources_) {
    if (r.name == parts[2]) res = r.resource.get();
  }
  if (res == nullptr || parts.size() > 4) return error_response(404, "no_route", "no such route");
  const std::string base = "/api/v1/" + parts[2];
  const store::Actor act = actor(who);
  const bool agents = parts[2] == "agents";  // may hash passwords: the slow lane
  const std::string& m = request.method;
  if (parts.size() == 3) {
    route = base;
    if (m == "GET") return res->list(request);
    if (m != "POST") return method_not_allowed();
    json::object body;
    if (auto bad = body_object(request, body); bad.status) return bad;
    if (agents && body.contains("password")) {
      return slow(
          [body, act](agents::AgentService& s, store::Store& st) {
            return make_agent_resource(st, s)->create(body, act);
          },
          finish);
    }
    return res->create(body, act);
  }
  if (parts[3] == "export.csv") {
    route = base + "/export.csv";
    if (m != "GET") return method_not_allowed();
    return res->export_csv();
  }
  if (parts[3] == "bulk-delete") {
    route = base + "/bulk-delete";
    if (m != "POST") return method_not_allowed();
    json::object body;
    if (auto bad = body_object(request, body); bad.status) return bad;
    std::vector<std::int64_t> ids;
    if (auto bad = bulk_ids(body, ids); bad.status) return bad;
    ApiResponse r = res->remove_many(ids, act);
    if (agents && r.status == 200) {
      for (const std::int64_t id : ids) auth_.close_agent_sessions(id);
    }
    return r;
  }
  if (parts[3] == "import") {
    route = base + "/import";
    if (m != "POST") return method_not_allowed();
    bool dry_run = false;
    if (auto it = request.query.find("dry_run");
        it != request.query.end() && !detail::text_bool(it->second, dry_run)) {
      return error_response(400, "bad_query", "dry_run must be true or false");
    }
    if (agents) {
      return slow(
          [text = request.body, act, dry_run](agents::AgentService& s, store::Store& st) {
            return make_agent_resource(st, s)->import_csv(text, act, dry_run);
          },
          finish);
    }
    return res->import_csv(request.body, act, dry_run);
  }
  route = base + "/{id}";
  std::int64_t id = 0;
  if (!parse_id(parts[3], id)) return error_response(404, "not_found", "ids are positive integers");
  if (m == "GET") return res->get(id);
  if (m == "DELETE") {
    ApiResponse r = res->remove(id, act);
    if (agents && r.status == 204) auth_.close_agent_sessions(id);
    return r;
  }
  if (m != "PATCH") return method_not_allowed();
  json::object body;
  if (auto bad = body_object(request, body); bad.status) return bad;
  ApiResponse r = res->patch(id, body, act);
  // An agent whose login an admin disables is logged out everywhere at once.
  if (const auto* enabled = body.if_contains("login_enabled");
      agents && r.status == 200 && enabled != nullptr && enabled->is_bool() &&
      !enabled->get_bool()) {
    auth_.close_agent_sessions(id);
  }
  return r;
}

Router::Answer Router::agent_action(const ApiRequest& request, const Principal& who,
                                    std::int64_t id, const std::string& action, std::string& route,
                                    const Done& finish) {
  route = "/api/v1/agents/{id}/" + action;
  const bool self = who.role == Role::Agent && who.agent_id == id;
  const bool admin = who.role == Role::Admin;
  const store::Actor act = actor(who);
  json::object body;
  if (auto bad = body_object(request, body); bad.status) return bad;
  if (action == "unlock") {
    if (request.method != "POST") return method_not_allowed();
    if (who.role == Role::Agent) return forbidden();
    return agent_unlock(agents_, id, act);
  }
  if (action == "password") {
    if (request.method != "POST") return method_not_allowed();
    if (!self && !admin) return forbidden();
    const std::int64_t now = now_ms_();
    // A password an admin sets ends the agent's sessions (a reset after a suspected leak).
    return slow(
        [self, id, body, act, now](agents::AgentService& s, store::Store&) {
          return self ? agent_change_password(s, id, body, now)
                      : agent_set_password(s, id, body, act);
        },
        [this, self, id, finish](ApiResponse r) {
          if (!self && r.status == 200) auth_.close_agent_sessions(id);
          finish(std::move(r));
        });
  }
  if (action == "mfa/enrol" || action == "mfa/verify") {
    if (request.method != "POST") return method_not_allowed();
    if (!self && !admin) return forbidden();
    if (action == "mfa/enrol") {
      if (!body.empty()) return error_response(400, "unknown_field", "mfa/enrol takes no body");
      return agent_mfa_enrol(agents_, id, act);
    }
    return agent_mfa_verify(agents_, id, body, act);
  }
  if (action == "mfa") {
    if (request.method != "DELETE") return method_not_allowed();
    if (!admin) return forbidden();
    return agent_mfa_disable(agents_, id, act);
  }
  route = "unmatched";
  return error_response(404, "no_route", "no such agent action");
}

Router::Answer Router::auth_routes(const ApiRequest& request, const std::string& action,
                                   const Done& finish) {
  if (request.method != "POST") return method_not_allowed();
  if (action == "logout") {
    if (!auth_.close_session(request.authorization)) return unauthorized();
    return json_response(200, "{\"ok\":true}");
  }
  if (action != "login" && action != "change-password") {
    return error_response(404, "no_route", "no such route");
  }
  // Both routes check a password: rate limited per client address before any work.
  if (const unsigned wait = login_limiter_.attempt(request.client, now_ms_()); wait > 0) {
    ApiResponse r = error_response(429, "rate_limited", "too many login attempts; retry later");
    r.retry_after_s = wait;
    return r;
  }
  json::object body;
  if (auto bad = body_object(request, body); bad.status) return bad;
  std::vector<std::optional<std::string>> v;
  if (action == "change-password") {
    // The forced change at first login: the agent has no session yet.
    if (auto bad =
            string_fields(body, {"username", "current", "new"}, {"username", "current", "new"}, v);
        bad.status) {
      return bad;
    }
    const std::int64_t now = now_ms_();
    return slow(
        [v, now](agents::AgentService& s, store::Store& st) {
          const std::int64_t id = agent_id_by_username(st, *v[0]);
          if (id == 0)
            return error_response(401, "bad_credentials", "unknown username or wrong password");
          const json::object inner{{"current", *v[1]}, {"new", *v[2]}};
          return agent_change_password(s, id, inner, now);
        },
        finish);
  }
  if (auto bad = string_fields(body, {"username", "password", "totp"}, {"username", "password"}, v);
      bad.status) {
    return bad;
  }
  // The argon2 verification runs on the slow lane; the session opens on the control thread.
  auto outcome = std::make_shared<std::optional<agents::AgentResult<agents::LoginOutcome>>>();
  const std::int64_t now = now_ms_();
  return slow(
      [v, now, outcome](agents::AgentService& s, store::Store&) {
        outcome->emplace(s.login(*v[0], *v[1], v[2], now));
        return ApiResponse{};
      },
      [this, outcome, username = *v[0], finish](ApiResponse fallback) {
        finish(*outcome ? login_answer(**outcome, username) : std::move(fallback));
      });
}

ApiResponse Router::login_answer(const agents::AgentResult<agents::LoginOutcome>& r,
                                 const std::string& username) {
  if (!r) return from_error(r.error());
  using agents::LoginStatus;
  switch (r->status) {
    case LoginStatus::Ok: {
      const std::string token = auth_.open_session(r->agent_id, username, now_ms_());
      return json_response(
          200, json::serialize(
                   json::object{{"token", token}, {"agent_id", r->agent_id}, {"role", "agent"}}));
    }
    case LoginStatus::PasswordChangeRequired:
      return error_response(403, "password_change_required",
                            "the password was set by an admin: change it first");
    case LoginStatus::MfaRequired:
      return error_response(401, "mfa_required", "send the TOTP code as totp");
    case LoginStatus::BadCredentials:
      return error_response(401, "bad_credentials", "unknown username or wrong password or code");
    case LoginStatus::Locked:
      return error_response(423, "locked", "too many wrong attempts; ask an admin");
    case LoginStatus::Disabled:
      return error_response(403, "disabled", "login is disabled for this agent");
  }
  return error_response(401, "bad_credentials", "login refused");
}

ApiResponse Router::audit(const ApiRequest& request) {
  store::Query q;
  q.order_by = "id";
  q.descending = true;
  std::string error;
  if (!page_params(request, q, error)) return error_response(400, "bad_query", error);
  for (const auto& [key, value] : request.query) {
    if (is_page_param(key)) continue;
    store::Value val;
    const std::string outcome = field_value<store::AuditEntry>(key, value, val);
    if (outcome == "unknown") return error_response(400, "unknown_parameter", "no filter " + key);
    if (outcome == "type") return error_response(400, "bad_query", key + ": wrong type");
    q.all.push_back({key, store::Match::Equals, val});
  }
  auto rows = store_.audit().list(q);
  if (!rows)
    return rows.code() == store::Errc::Invalid
               ? error_response(400, "bad_query", rows.error().message)
               : from_error(rows.error());
  auto total = store_.audit().count(q);
  if (!total) return from_error(total.error());
  std::vector<std::string> items;
  for (const auto& e : *rows) {
    json::object o{{"id", e.id},         {"at_ms", e.at_ms},   {"actor", e.actor},
                   {"action", e.action}, {"entity", e.entity}, {"entity_id", e.entity_id}};
    json::error_code ec;
    o["before"] = e.before_json.empty() ? json::value(nullptr) : json::parse(e.before_json, ec);
    o["after"] = e.after_json.empty() ? json::value(nullptr) : json::parse(e.after_json, ec);
    items.push_back(json::serialize(o));
  }
  return json_response(200, list_body(items, *total));
}

ApiResponse Router::status() {
  json::object counts;
  auto count = [&](auto& repo) {
    auto r = repo.count({});
    return r ? json::value(*r) : json::value(nullptr);
  };
  counts["agents"] = count(store_.agents());
  counts["teams"] = count(store_.teams());
  counts["queues"] = count(store_.queues());
  counts["campaigns"] = count(store_.campaigns());
  counts["pause-reasons"] = count(store_.pause_reasons());
  counts["wrap-codes"] = count(store_.wrap_codes());
  store::Query locked;
  locked.all.push_back({"locked", store::Match::Equals, true});
  auto n_locked = store_.agents().count(locked);
  json::object out{{"status", "ok"},
                   {"schema_version", store_.schema_version()},
                   {"counts", std::move(counts)},
                   {"agents_locked", n_locked ? json::value(*n_locked) : json::value(nullptr)},
                   {"agent_sessions", auth_.sessions()}};
  return json_response(200, json::serialize(out));
}

}  // namespace dialcore::control::api
