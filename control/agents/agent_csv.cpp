#include "control/agents/agent_csv.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <variant>

#include "control/csv/csv.hpp"

namespace dialcore::control::agents {

using store::Agent;

namespace {

struct TextColumn {
  std::string_view name;
  std::string Agent::*member;
};
constexpr TextColumn kText[] = {{"username", &Agent::username},
                                {"first_name", &Agent::first_name},
                                {"last_name", &Agent::last_name},
                                {"email", &Agent::email},
                                {"alias", &Agent::alias},
                                {"timezone", &Agent::timezone},
                                {"cli", &Agent::cli},
                                {"default_phone", &Agent::default_phone},
                                {"sip_username", &Agent::sip_username}};

struct BoolColumn {
  std::string_view name;
  bool Agent::*member;
};
constexpr BoolColumn kBool[] = {{"connection_persistent", &Agent::connection_persistent},
                                {"login_enabled", &Agent::login_enabled},
                                {"perm_manual_call", &Agent::perm_manual_call},
                                {"perm_agent_call", &Agent::perm_agent_call},
                                {"perm_pause_reasons", &Agent::perm_pause_reasons},
                                {"perm_callbacks", &Agent::perm_callbacks},
                                {"perm_transfers_when_paused", &Agent::perm_transfers_when_paused},
                                {"perm_lead_manager", &Agent::perm_lead_manager},
                                {"login_in_pause", &Agent::login_in_pause},
                                {"mask_sensitive_data", &Agent::mask_sensitive_data},
                                {"auto_answer", &Agent::auto_answer},
                                {"dnd_in_pause", &Agent::dnd_in_pause},
                                {"ring_in_use", &Agent::ring_in_use}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (auto part = trim(s.substr(start, end - start)); !part.empty())
      out.push_back(std::move(part));
    start = end + 1;
  }
  return out;
}

std::optional<bool> parse_bool(std::string_view s) {
  const auto v = lower(trim(s));
  if (v == "true" || v == "yes" || v == "1") return true;
  if (v == "false" || v == "no" || v == "0") return false;
  return std::nullopt;
}

// Names of teams, queues and campaigns, both ways, read once per export or import.
struct Names {
  std::map<std::int64_t, std::string> team, queue, campaign;
  std::map<std::string, std::int64_t> team_id, queue_id, campaign_id;  // lower-case name
};

template <class T>
store::Result<void> load(store::Repository<T>& repo, std::map<std::int64_t, std::string>& by_id,
                         std::map<std::string, std::int64_t>& by_name) {
  store::Query q;
  q.limit = 10000;
  for (;;) {
    auto page = repo.list(q);
    if (!page) return page.error();
    for (const auto& r : *page) {
      by_id[r.id] = r.name;
      by_name[lower(r.name)] = r.id;
    }
    if (page->size() < static_cast<std::size_t>(q.limit)) return {};
    q.offset += q.limit;
  }
}

AgentResult<Names> load_names(store::Store& store) {
  Names n;
  if (auto r = load(store.teams(), n.team, n.team_id); !r) return from_store(r.error());
  if (auto r = load(store.queues(), n.queue, n.queue_id); !r) return from_store(r.error());
  if (auto r = load(store.campaigns(), n.campaign, n.campaign_id); !r) return from_store(r.error());
  return n;
}

std::vector<std::string> header() {
  std::vector<std::string> h{"id"};
  for (const auto& c : kText) h.emplace_back(c.name);
  h.emplace_back("connection_mode");
  for (const auto& c : kBool) h.emplace_back(c.name);
  for (const char* c : {"teams", "queues", "campaigns"}) h.emplace_back(c);
  return h;
}

std::string join_names(const std::vector<std::int64_t>& ids,
                       const std::map<std::int64_t, std::string>& names) {
  std::string out;
  for (auto id : ids) {
    if (!out.empty()) out.push_back(';');
    auto it = names.find(id);
    out += it != names.end() ? it->second : std::to_string(id);
  }
  return out;
}

}  // namespace

AgentResult<std::string> export_agents_csv(store::Store& store) {
  auto names = load_names(store);
  if (!names) return names.error();
  std::string out;
  csv::append_row(out, header());
  store::Query q;
  q.limit = 1000;
  for (;;) {
    auto page = store.agents().list(q);
    if (!page) return from_store(page.error());
    for (const auto& a : *page) {
      std::vector<std::string> row{std::to_string(a.id)};
      for (const auto& c : kText) row.push_back(a.*(c.member));
      row.emplace_back(to_string(a.connection_mode));
      for (const auto& c : kBool) row.emplace_back(a.*(c.member) ? "true" : "false");
      row.push_back(join_names(a.teams, names->team));
      row.push_back(join_names(a.queues, names->queue));
      std::string campaigns;
      for (const auto& c : a.campaigns) {
        if (!campaigns.empty()) campaigns.push_back(';');
        auto it = names->campaign.find(c.campaign_id);
        campaigns += (it != names->campaign.end() ? it->second : std::to_string(c.campaign_id)) +
                     ":" + std::string(to_string(c.priority));
      }
      row.push_back(std::move(campaigns));
      csv::append_row(out, row);
    }
    if (page->size() < static_cast<std::size_t>(q.limit)) break;
    q.offset += q.limit;
  }
  return out;
}

namespace {

// One CSV record to an agent and its optional password; errors per field.
Agent row_to_agent(const std::vector<std::string>& columns, const std::vector<std::string>& fields,
                   const Names& names, std::optional<std::string>& password,
                   std::vector<FieldError>& errors) {
  Agent a;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string& col = columns[i];
    const std::string& value = fields[i];
    if (col == "id") continue;
    if (col == "password") {
      if (!value.empty()) password = value;
      continue;
    }
    if (auto t = std::find_if(std::begin(kText), std::end(kText),
                              [&](auto& c) { return c.name == col; });
        t != std::end(kText)) {
      a.*(t->member) = trim(value);
      continue;
    }
    if (auto b = std::find_if(std::begin(kBool), std::end(kBool),
                              [&](auto& c) { return c.name == col; });
        b != std::end(kBool)) {
      if (value.empty()) continue;  // keep the default
      if (auto v = parse_bool(value))
        a.*(b->member) = *v;
      else
        errors.push_back({col, "must be true or false"});
      continue;
    }
    if (col == "connection_mode") {
      if (!value.empty() && !parse(lower(trim(value)), a.connection_mode)) {
        errors.push_back({col, "must be call_me, call_in or web"});
      }
    } else if (col == "teams" || col == "queues") {
      const auto& index = col == "teams" ? names.team_id : names.queue_id;
      auto& ids = col == "teams" ? a.teams : a.queues;
      for (const auto& name : split(value, ';')) {
        auto it = index.find(lower(name));
        if (it == index.end())
          errors.push_back({col, "unknown: " + name});
        else
          ids.push_back(it->second);
      }
    } else if (col == "campaigns") {
      for (const auto& item : split(value, ';')) {
        const auto colon = item.rfind(':');
        const std::string name = trim(colon == std::string::npos ? item : item.substr(0, colon));
        store::CampaignAssignment c;
        if (colon != std::string::npos && !parse(lower(trim(item.substr(colon + 1))), c.priority)) {
          errors.push_back({col, "priority must be high, medium or low: " + item});
          continue;
        }
        auto it = names.campaign_id.find(lower(name));
        if (it == names.campaign_id.end()) {
          errors.push_back({col, "unknown: " + name});
          continue;
        }
        c.campaign_id = it->second;
        a.campaigns.push_back(c);
      }
    }
  }
  return a;
}

bool known_column(std::string_view col) {
  static const std::set<std::string, std::less<>> kColumns = [] {
    std::set<std::string, std::less<>> s;
    for (auto& h : header()) s.insert(h);
    s.insert("password");
    return s;
  }();
  return kColumns.contains(col);
}

}  // namespace

AgentResult<ImportReport> import_agents_csv(AgentService& service, store::Store& store,
                                            std::string_view text, const store::Actor& actor,
                                            bool dry_run) {
  auto parsed = csv::parse(text);
  if (const auto* e = std::get_if<csv::ParseError>(&parsed)) {
    return AgentError{
        store::Errc::Invalid, "line " + std::to_string(e->line) + ": " + e->message, {}};
  }
  auto& records = std::get<std::vector<csv::Record>>(parsed);
  if (records.empty()) return invalid("file", "has no header row");
  std::vector<std::string> columns;
  for (const auto& c : records.front().fields) columns.push_back(lower(trim(c)));
  std::vector<FieldError> header_errors;
  for (const auto& c : columns) {
    if (!known_column(c)) header_errors.push_back({"header", "unknown column: " + c});
    if (std::count(columns.begin(), columns.end(), c) > 1)
      header_errors.push_back({"header", "repeated column: " + c});
  }
  for (const char* required : {"username", "first_name", "last_name"}) {
    if (std::find(columns.begin(), columns.end(), required) == columns.end()) {
      header_errors.push_back({"header", std::string("missing column: ") + required});
    }
  }
  if (!header_errors.empty()) return invalid(std::move(header_errors));
  auto names = load_names(store);
  if (!names) return names.error();

  ImportReport report;
  std::set<std::string> seen;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& record = records[r];
    ++report.rows;
    ImportRowError row{record.line, {}, {}};
    if (record.fields.size() != columns.size()) {
      row.errors.push_back({"row", "has " + std::to_string(record.fields.size()) +
                                       " fields, the header has " +
                                       std::to_string(columns.size())});
      report.rejected.push_back(std::move(row));
      continue;
    }
    std::optional<std::string> password;
    Agent a = row_to_agent(columns, record.fields, *names, password, row.errors);
    row.username = a.username;
    if (!seen.insert(lower(a.username)).second)
      row.errors.push_back({"username", "appears twice in the file"});
    if (!dry_run && row.errors.empty()) {
      auto created = service.create(std::move(a), password, actor);
      if (!created) {
        row.errors = created.error().fields;
        if (row.errors.empty()) row.errors.push_back({"agent", created.error().message});
      }
    } else {
      // A dry run, or a row already rejected: report every problem of the row at once.
      auto errors = validate_profile(a, service.rules());
      if (password) {
        for (auto& p : password_problems(service.policy().password, *password, a.username)) {
          errors.push_back({"password", std::move(p)});
        }
      }
      store::Query q;
      q.all.push_back({"username", store::Match::Equals, a.username});
      if (auto n = store.agents().count(q); n && *n > 0)
        errors.push_back({"username", "is already taken"});
      row.errors.insert(row.errors.end(), errors.begin(), errors.end());
    }
    if (row.errors.empty())
      ++report.created;
    else
      report.rejected.push_back(std::move(row));
  }
  return report;
}

}  // namespace dialcore::control::agents
