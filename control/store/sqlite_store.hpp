#pragma once
// The SQLite implementation of Store: one connection in WAL mode, foreign keys on, a busy
// timeout, prepared statements only, migrations applied at open.

#include <cstdint>
#include <memory>
#include <string>

#include "control/store/result.hpp"
#include "control/store/sip_ha1.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::store {

struct SqliteOptions {
  std::string path;                     // the database file; its -wal and -shm files sit beside it
  std::int64_t busy_timeout_ms = 2000;  // how long a write waits for another writer, then Busy
  bool synchronous_full = true;         // fsync at each commit (a commit survives power loss)
  std::int64_t max_page_count = 0;      // 0: no limit; a cap makes the database "full" (tests)
  std::int64_t schema_version = 0;      // 0: latest; tests open older versions
  std::string sip_realm{kDefaultSipRealm};  // config sip.realm: migration 4 hashes with it
};

// Opens (creating if needed) and migrates. Errors: Io (cannot open, not writable, no WAL),
// Corrupt (not a database), TooNew (a newer build's database), Busy.
Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options);

}  // namespace dialcore::control::store
