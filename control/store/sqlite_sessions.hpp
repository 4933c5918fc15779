#pragma once
// Internal to control/store: SessionTable on the store's SQLite connection (table api_sessions,
// migration 6).

#include "control/store/session_table.hpp"
#include "control/store/sqlite_db.hpp"

namespace dialcore::control::store::sqlite {

class SqliteSessions final : public SessionTable {
 public:
  explicit SqliteSessions(Db& db) : db_(db) {}
  Result<void> put(const ApiSession& session) override;
  Result<void> remove(std::string_view token_hash) override;
  Result<void> remove_agent(std::int64_t agent_id) override;
  Result<std::vector<ApiSession>> live(std::int64_t now_ms) override;

 private:
  Result<void> run(Statement& s, std::string_view what);
  Db& db_;
};

}  // namespace dialcore::control::store::sqlite
