#pragma once
// Internal to control/store: rows that belong to a record but live in link tables (an agent's
// teams, queues and campaigns). Records without links use the RecordBase overloads (no-ops).

#include "control/store/agent_record.hpp"
#include "control/store/result.hpp"
#include "control/store/sqlite_db.hpp"

namespace dialcore::control::store::sqlite {

inline Result<void> save_links(Db&, const RecordBase&) { return {}; }
inline Result<void> load_links(Db&, RecordBase&) { return {}; }

// Replaces the agent's link rows (call inside the write transaction). Constraint when a team,
// queue or campaign does not exist.
Result<void> save_links(Db& db, const Agent& agent);
Result<void> load_links(Db& db, Agent& agent);

}  // namespace dialcore::control::store::sqlite
