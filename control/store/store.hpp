#pragma once
// The durable store: one object owning the connection, one repository per entity. Used from the
// control thread only (one io_context); another process or thread opens its own Store. SQLite
// is the implementation today (sqlite_store.hpp); PostgreSQL can implement the same interface.

#include <cstdint>
#include <functional>
#include <string>

#include "control/store/agent_record.hpp"
#include "control/store/config_records.hpp"
#include "control/store/history_records.hpp"
#include "control/store/repository.hpp"
#include "control/store/session_table.hpp"

namespace dialcore::control::store {

class Store {
 public:
  virtual ~Store() = default;

  virtual Repository<Agent>& agents() = 0;
  virtual Repository<Team>& teams() = 0;
  virtual Repository<Queue>& queues() = 0;
  virtual Repository<Campaign>& campaigns() = 0;
  virtual Repository<PauseReason>& pause_reasons() = 0;
  virtual Repository<WrapCode>& wrap_codes() = 0;
  virtual Repository<Lead>& leads() = 0;
  virtual Repository<Attempt>& attempts() = 0;
  virtual Repository<Disposition>& dispositions() = 0;
  virtual Repository<Callback>& callbacks() = 0;
  virtual Repository<Cdr>& cdrs() = 0;
  virtual Repository<Recording>& recordings() = 0;
  virtual Repository<DncEntry>& dnc() = 0;
  virtual Reader<AuditEntry>& audit() = 0;
  virtual SessionTable& sessions() = 0;

  // Runs `work` as ONE transaction: every repository write inside it joins it (each write is a
  // savepoint, so a failed write the work chooses to skip undoes only itself), and everything
  // commits together when `work` returns ok, or nothing does (its error, or the commit's, is
  // returned). Busy when another writer holds the database past the busy timeout. Not
  // re-entrant: `work` must not call transaction() again.
  virtual Result<void> transaction(const std::function<Result<void>()>& work) = 0;

  // Schema version in use, and whether the database passes its own consistency check.
  virtual std::int64_t schema_version() const = 0;
  virtual Result<void> check_integrity() = 0;
};

}  // namespace dialcore::control::store
