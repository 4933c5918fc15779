#include "control/api/agent_resource.hpp"

#include <boost/json.hpp>

#include <set>

#include "control/agents/agent_csv.hpp"
#include "control/api/api_error.hpp"
#include "control/api/record_codec.hpp"
#include "control/store/record_json.hpp"

namespace dialcore::control::api {

namespace json = boost::json;

namespace {

// Security state: set by the security routes and login, never by a profile write.
const std::set<std::string_view> kReadOnly = {
    "disabled_reason", "password_hash", "must_change_password", "password_changed_at_ms",
    "failed_attempts", "locked",        "locked_at_ms",         "last_login_at_ms",
    "enabled_at_ms",   "created_at_ms", "mfa_enabled",          "totp_secret",
    "totp_last_step",  "sip_ha1"};

std::string agent_json(const store::Agent& a) { return store::to_json(agents::redacted(a)); }

bool id_list(const json::value& v, std::vector<std::int64_t>& out) {
  if (!v.is_array()) return false;
  out.clear();
  for (const auto& e : v.get_array()) {
    std::int64_t n = 0;
    if (!detail::json_int(e, n)) return false;
    out.push_back(n);
  }
  return true;
}

bool campaign_list(const json::value& v, std::vector<store::CampaignAssignment>& out) {
  if (!v.is_array()) return false;
  out.clear();
  for (const auto& e : v.get_array()) {
    if (!e.is_object()) return false;
    store::CampaignAssignment c;
    for (const auto& kv : e.get_object()) {
      if (kv.key() == "campaign_id") {
        if (!detail::json_int(kv.value(), c.campaign_id)) return false;
      } else if (kv.key() == "priority") {
        if (!kv.value().is_string() || !store::parse(kv.value().get_string(), c.priority))
          return false;
      } else {
        return false;
      }
    }
    out.push_back(c);
  }
  return true;
}

// status 0 when decoded.
ApiResponse decode_agent(const json::object& body, store::Agent& a, bool creating,
                         std::optional<std::string>& password) {
  std::vector<FieldError> unknown, wrong;
  for (const auto& kv : body) {
    const std::string_view key = kv.key();
    const json::value& v = kv.value();
    bool ok = true;
    if (key == "teams") {
      ok = id_list(v, a.teams);
    } else if (key == "queues") {
      ok = id_list(v, a.queues);
    } else if (key == "campaigns") {
      ok = campaign_list(v, a.campaigns);
    } else if (key == "password" && creating) {
      ok = v.is_string();
      if (ok) password = std::string(v.get_string());
    } else if (key == "version" && !creating) {
      ok = detail::json_int(v, a.version);
    } else {
      std::string msg;
      const std::string outcome = set_field_json(a, key, v, kReadOnly, msg);
      if (outcome == "unknown") unknown.push_back({std::string(key), "unknown or read-only field"});
      if (outcome == "type") wrong.push_back({std::string(key), msg});
      continue;
    }
    if (!ok) wrong.push_back({std::string(key), "wrong type"});
  }
  if (!unknown.empty()) return error_response(400, "unknown_field", "unknown fields", unknown);
  if (!wrong.empty()) return error_response(400, "wrong_type", "wrong types", wrong);
  return ApiResponse{0, "", "", 0};
}

class AgentResource final : public Resource {
 public:
  AgentResource(store::Store& st, agents::AgentService& s) : store_(st), service_(s) {}

  ApiResponse list(const ApiRequest& request) override {
    store::Query page;
    std::string error;
    if (!page_params(request, page, error)) return error_response(400, "bad_query", error);
    agents::AgentResult<agents::AgentPage> r = agents::AgentPage{};
    if (auto q = request.query.find("q"); q != request.query.end()) {
      if (request.query.size() > 1 + count_page(request)) {
        return error_response(400, "bad_query", "q cannot be combined with filters");
      }
      r = service_.quick_search(q->second, page.limit, page.offset);
    } else {
      agents::AgentFilter f;
      f.limit = page.limit;
      f.offset = page.offset;
      f.order_by = page.order_by;
      f.descending = page.descending;
      for (const auto& [key, value] : request.query) {
        if (is_page_param(key)) continue;
        if (key == "first_name")
          f.first_name = value;
        else if (key == "last_name")
          f.last_name = value;
        else if (key == "username")
          f.username = value;
        else if (key == "id")
          f.id_prefix = value;
        else if (key == "cli")
          f.cli = value;
        else if (key == "status") {
          if (value == "active")
            f.status = agents::AgentStatus::Active;
          else if (value == "inactive")
            f.status = agents::AgentStatus::Inactive;
          else if (value == "all")
            f.status = agents::AgentStatus::All;
          else
            return error_response(400, "bad_query", "status must be active, inactive or all");
        } else {
          return error_response(400, "unknown_parameter", "no filter " + key);
        }
      }
      r = service_.search(f);
    }
    if (!r) {
      if (r.code() == store::Errc::Invalid)
        return error_response(400, "bad_query", r.error().message);
      return from_error(r.error());
    }
    std::vector<std::string> items;
    for (const auto& a : r->agents) items.push_back(agent_json(a));
    return json_response(200, list_body(items, r->total));
  }

  ApiResponse get(std::int64_t id) override {
    auto r = service_.get(id);
    if (!r) return from_error(r.error());
    return json_response(200, agent_json(*r));
  }

  ApiResponse create(const json::object& body, const store::Actor& actor) override {
    store::Agent a;
    std::optional<std::string> password;
    if (auto bad = decode_agent(body, a, true, password); bad.status != 0) return bad;
    auto r = service_.create(std::move(a), password, actor);
    if (!r) return from_error(r.error());
    return json_response(201, agent_json(*r));
  }

  ApiResponse patch(std::int64_t id, const json::object& body, const store::Actor& actor) override {
    auto current = service_.get(id);
    if (!current) return from_error(current.error());
    store::Agent a = *current;
    std::optional<std::string> unused;
    if (auto bad = decode_agent(body, a, false, unused); bad.status != 0) return bad;
    auto r = service_.update(std::move(a), actor);
    if (!r) return from_error(r.error());
    return json_response(200, agent_json(*r));
  }

  ApiResponse remove(std::int64_t id, const store::Actor& actor) override {
    if (auto r = service_.remove(id, actor); !r) return from_error(r.error());
    return ApiResponse{204, "application/json", "", 0};
  }

  ApiResponse remove_many(std::span<const std::int64_t> ids, const store::Actor& actor) override {
    auto r = service_.remove_many(ids, actor);
    if (!r) return from_error(r.error());
    return deleted_response(*r);
  }

  ApiResponse export_csv() override {
    auto r = agents::export_agents_csv(store_);
    if (!r) return from_error(r.error());
    return ApiResponse{200, "text/csv", std::move(*r), 0};
  }

  ApiResponse import_csv(std::string_view text, const store::Actor& actor, bool dry_run) override {
    auto r = agents::import_agents_csv(service_, store_, text, actor, dry_run);
    if (!r) {
      if (r.code() == store::Errc::Invalid)
        return error_response(400, "bad_csv", r.error().message);
      return from_error(r.error());
    }
    json::array rejected;
    for (const auto& row : r->rejected) {
      json::array errors;
      for (const auto& e : row.errors)
        errors.push_back({{"field", e.field}, {"message", e.message}});
      rejected.push_back(
          {{"line", row.line}, {"username", row.username}, {"errors", std::move(errors)}});
    }
    json::object report{{"rows", r->rows},
                        {"created", r->created},
                        {"rejected", std::move(rejected)},
                        {"dry_run", dry_run}};
    return json_response(200, json::serialize(report));
  }

 private:
  static std::size_t count_page(const ApiRequest& request) {
    std::size_t n = 0;
    for (const auto& kv : request.query) n += is_page_param(kv.first) ? 1 : 0;
    return n;
  }
  store::Store& store_;
  agents::AgentService& service_;
};

ApiResponse ok_empty() { return json_response(200, "{\"ok\":true}"); }

}  // namespace

std::unique_ptr<Resource> make_agent_resource(store::Store& store, agents::AgentService& service) {
  return std::make_unique<AgentResource>(store, service);
}

ApiResponse string_fields(const json::object& body, std::initializer_list<std::string_view> allowed,
                          std::initializer_list<std::string_view> required,
                          std::vector<std::optional<std::string>>& out) {
  out.assign(allowed.size(), std::nullopt);
  std::vector<FieldError> unknown, wrong;
  for (const auto& kv : body) {
    std::size_t i = 0;
    for (auto name : allowed) {
      if (name == kv.key()) break;
      ++i;
    }
    if (i == allowed.size()) {
      unknown.push_back({std::string(kv.key()), "unknown field"});
    } else if (!kv.value().is_string()) {
      wrong.push_back({std::string(kv.key()), "must be a string"});
    } else {
      out[i] = std::string(kv.value().get_string());
    }
  }
  if (!unknown.empty()) return error_response(400, "unknown_field", "unknown fields", unknown);
  if (!wrong.empty()) return error_response(400, "wrong_type", "wrong types", wrong);
  std::size_t i = 0;
  for (auto name : allowed) {
    for (auto r : required) {
      if (r == name && !out[i])
        return error_response(400, "missing_field", std::string(name) + " is required");
    }
    ++i;
  }
  return ApiResponse{0, "", "", 0};
}

std::int64_t agent_id_by_username(store::Store& store, std::string_view username) {
  store::Query q;
  q.all.push_back({"username", store::Match::Equals, std::string(username)});
  q.limit = 1;
  auto r = store.agents().list(q);
  return (r && !r->empty()) ? r->front().id : 0;
}

ApiResponse agent_unlock(agents::AgentService& s, std::int64_t id, const store::Actor& actor) {
  if (auto r = s.unlock(id, actor); !r) return from_error(r.error());
  return ok_empty();
}

ApiResponse agent_set_password(agents::AgentService& s, std::int64_t id, const json::object& body,
                               const store::Actor& actor) {
  std::string password;
  bool generate = false;
  for (const auto& kv : body) {
    if (kv.key() == "password" && kv.value().is_string())
      password = kv.value().get_string();
    else if (kv.key() == "generate" && kv.value().is_bool())
      generate = kv.value().get_bool();
    else if (kv.key() == "password" || kv.key() == "generate")
      return error_response(400, "wrong_type", std::string(kv.key()) + ": wrong type");
    else
      return error_response(400, "unknown_field", "unknown field " + std::string(kv.key()));
  }
  if (generate == !password.empty()) {
    return error_response(400, "missing_field", "give either password or generate: true");
  }
  if (generate) password = s.generate_password();
  if (auto r = s.set_password(id, password, actor); !r) return from_error(r.error());
  json::object out{{"ok", true}, {"must_change_password", true}};
  if (generate) out["password"] = password;
  return json_response(200, json::serialize(out));
}

ApiResponse agent_change_password(agents::AgentService& s, std::int64_t id,
                                  const json::object& body, std::int64_t now_ms) {
  std::vector<std::optional<std::string>> v;
  if (auto bad = string_fields(body, {"current", "new"}, {"current", "new"}, v); bad.status)
    return bad;
  if (auto r = s.change_password(id, *v[0], *v[1], now_ms); !r) {
    for (const auto& f : r.error().fields) {
      if (f.field == "current_password")
        return error_response(401, "bad_credentials", "current password is wrong");
    }
    return from_error(r.error());
  }
  return ok_empty();
}

ApiResponse agent_mfa_enrol(agents::AgentService& s, std::int64_t id, const store::Actor& actor) {
  auto r = s.begin_totp(id, actor);
  if (!r) return from_error(r.error());
  return json_response(200, json::serialize(json::object{{"secret", r->secret_base32},
                                                         {"otpauth_uri", r->otpauth_uri}}));
}

ApiResponse agent_mfa_verify(agents::AgentService& s, std::int64_t id, const json::object& body,
                             const store::Actor& actor) {
  std::vector<std::optional<std::string>> v;
  if (auto bad = string_fields(body, {"code"}, {"code"}, v); bad.status) return bad;
  if (auto r = s.confirm_totp(id, *v[0], actor); !r) return from_error(r.error());
  return ok_empty();
}

ApiResponse agent_mfa_disable(agents::AgentService& s, std::int64_t id, const store::Actor& actor) {
  if (auto r = s.disable_totp(id, actor); !r) return from_error(r.error());
  return ok_empty();
}

}  // namespace dialcore::control::api
