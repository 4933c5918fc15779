#include "control/store/sqlite_sessions.hpp"

#include <sqlite3.h>

namespace dialcore::control::store::sqlite {

Result<void> SqliteSessions::run(Statement& s, std::string_view what) {
  const int rc = s.step();
  if (rc != SQLITE_DONE) return db_.error(rc, what);
  return {};
}

Result<void> SqliteSessions::put(const ApiSession& session) {
  auto s = db_.prepare(
      "INSERT OR REPLACE INTO api_sessions(token_hash, agent_id, username, expires_at_ms) "
      "VALUES (?, ?, ?, ?)");
  if (!s) return s.error();
  s->bind(1, session.token_hash);
  s->bind(2, session.agent_id);
  s->bind(3, session.username);
  s->bind(4, session.expires_at_ms);
  return run(*s, "store api session");
}

Result<void> SqliteSessions::remove(std::string_view token_hash) {
  auto s = db_.prepare("DELETE FROM api_sessions WHERE token_hash = ?");
  if (!s) return s.error();
  s->bind(1, token_hash);
  return run(*s, "delete api session");
}

Result<void> SqliteSessions::remove_agent(std::int64_t agent_id) {
  auto s = db_.prepare("DELETE FROM api_sessions WHERE agent_id = ?");
  if (!s) return s.error();
  s->bind(1, agent_id);
  return run(*s, "delete the agent's api sessions");
}

Result<std::vector<ApiSession>> SqliteSessions::live(std::int64_t now_ms) {
  {
    auto purge = db_.prepare("DELETE FROM api_sessions WHERE expires_at_ms <= ?");
    if (!purge) return purge.error();
    purge->bind(1, now_ms);
    if (auto r = run(*purge, "purge expired api sessions"); !r) return r.error();
  }
  auto s = db_.prepare(
      "SELECT token_hash, agent_id, username, expires_at_ms FROM api_sessions ORDER BY "
      "expires_at_ms");
  if (!s) return s.error();
  std::vector<ApiSession> out;
  for (;;) {
    const int rc = s->step();
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return db_.error(rc, "read api sessions");
    out.push_back(ApiSession{s->column_text(0), s->column_int(1), s->column_text(2),
                             s->column_int(3)});
  }
  return out;
}

}  // namespace dialcore::control::store::sqlite
