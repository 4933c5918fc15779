#include "control/store/sqlite_links.hpp"

#include <sqlite3.h>

#include <string>
#include <vector>

namespace dialcore::control::store::sqlite {

namespace {

Result<void> run(Db& db, const std::string& sql, std::int64_t a, std::int64_t b,
                 const char* text = nullptr) {
  auto s = db.prepare(sql);
  if (!s) return s.error();
  s->bind(1, a);
  s->bind(2, b);
  if (text != nullptr) s->bind(3, std::string_view(text));
  if (const int rc = s->step(); rc != SQLITE_DONE) return db.error(rc, "agent assignment");
  return {};
}

Result<void> clear(Db& db, const char* table, std::int64_t agent_id) {
  auto s = db.prepare(std::string("DELETE FROM ") + table + " WHERE agent_id = ?");
  if (!s) return s.error();
  s->bind(1, agent_id);
  if (const int rc = s->step(); rc != SQLITE_DONE) return db.error(rc, "clear assignments");
  return {};
}

Result<std::vector<std::int64_t>> ids(Db& db, const char* sql, std::int64_t agent_id) {
  auto s = db.prepare(sql);
  if (!s) return s.error();
  s->bind(1, agent_id);
  std::vector<std::int64_t> out;
  int rc;
  while ((rc = s->step()) == SQLITE_ROW) out.push_back(s->column_int(0));
  if (rc != SQLITE_DONE) return db.error(rc, "read assignments");
  return out;
}

}  // namespace

Result<void> save_links(Db& db, const Agent& agent) {
  for (const char* table : {"agent_teams", "agent_queues", "agent_campaigns"}) {
    if (auto r = clear(db, table, agent.id); !r) return r;
  }
  for (auto team : agent.teams) {
    if (auto r = run(db, "INSERT OR IGNORE INTO agent_teams (agent_id, team_id) VALUES (?, ?)",
                     agent.id, team);
        !r) {
      return Error{r.code(), "team " + std::to_string(team) + ": " + r.error().message};
    }
  }
  for (auto queue : agent.queues) {
    if (auto r = run(db, "INSERT OR IGNORE INTO agent_queues (agent_id, queue_id) VALUES (?, ?)",
                     agent.id, queue);
        !r) {
      return Error{r.code(), "queue " + std::to_string(queue) + ": " + r.error().message};
    }
  }
  for (const auto& c : agent.campaigns) {
    if (auto r = run(
            db, "INSERT INTO agent_campaigns (agent_id, campaign_id, priority) VALUES (?, ?, ?)",
            agent.id, c.campaign_id, std::string(to_string(c.priority)).c_str());
        !r) {
      return Error{r.code(),
                   "campaign " + std::to_string(c.campaign_id) + ": " + r.error().message};
    }
  }
  return {};
}

Result<void> load_links(Db& db, Agent& agent) {
  auto teams =
      ids(db, "SELECT team_id FROM agent_teams WHERE agent_id = ? ORDER BY team_id", agent.id);
  if (!teams) return teams.error();
  auto queues =
      ids(db, "SELECT queue_id FROM agent_queues WHERE agent_id = ? ORDER BY queue_id", agent.id);
  if (!queues) return queues.error();
  agent.teams = std::move(*teams);
  agent.queues = std::move(*queues);
  auto s = db.prepare(
      "SELECT campaign_id, priority FROM agent_campaigns WHERE agent_id = ? ORDER BY campaign_id");
  if (!s) return s.error();
  s->bind(1, agent.id);
  agent.campaigns.clear();
  int rc;
  while ((rc = s->step()) == SQLITE_ROW) {
    CampaignAssignment a{s->column_int(0), Priority::Medium};
    if (!parse(s->column_text(1), a.priority)) return Error{Errc::Corrupt, "bad campaign priority"};
    agent.campaigns.push_back(a);
  }
  if (rc != SQLITE_DONE) return db.error(rc, "read campaign assignments");
  return {};
}

}  // namespace dialcore::control::store::sqlite
