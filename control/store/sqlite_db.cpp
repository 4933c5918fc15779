#include "control/store/sqlite_db.hpp"

#include <sqlite3.h>

#include <string>

namespace dialcore::control::store::sqlite {

Errc errc_for(int rc) {
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return Errc::Duplicate;
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: return Errc::Constraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Errc::Busy;
    case SQLITE_FULL: return Errc::Full;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Errc::Corrupt;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
    case SQLITE_ERROR: return Errc::Invalid;
    default: return Errc::Io;  // IOERR, CANTOPEN, READONLY, PERM, NOMEM, PROTOCOL...
  }
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void Statement::bind(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
void Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Statement::bind_null(int index) { sqlite3_bind_null(stmt_, index); }
int Statement::step() { return sqlite3_step(stmt_); }
std::int64_t Statement::column_int(int index) { return sqlite3_column_int64(stmt_, index); }
std::string Statement::column_text(int index) {
  const auto* text = sqlite3_column_text(stmt_, index);
  const int size = sqlite3_column_bytes(stmt_, index);
  return text == nullptr ? std::string{} : std::string(reinterpret_cast<const char*>(text), size);
}
bool Statement::column_null(int index) { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

Result<std::unique_ptr<Db>> Db::open(const OpenOptions& options) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(options.path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e{errc_for(rc), "open " + options.path + ": " +
                              (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc))};
    sqlite3_close(raw);
    return e;
  }
  std::unique_ptr<Db> db(new Db(raw));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(options.busy_timeout_ms));
  // journal_mode answers with the mode in force; anything but "wal" (a read-only medium, a
  // file system without shared memory) is refused rather than silently run without WAL.
  auto wal = db->prepare("PRAGMA journal_mode=WAL", Cache::No);
  if (!wal) return wal.error();
  const int step = wal->step();
  if (step != SQLITE_ROW) return db->error(step, "journal_mode=WAL");
  if (wal->column_text(0) != "wal") return Error{Errc::Io, "WAL mode refused by " + options.path};
  for (const char* pragma : {"PRAGMA foreign_keys=ON"}) {
    if (auto r = db->exec(pragma); !r) return r.error();
  }
  if (auto r = db->exec(options.synchronous_full ? "PRAGMA synchronous=FULL"
                                                 : "PRAGMA synchronous=NORMAL");
      !r) {
    return r.error();
  }
  if (options.max_page_count > 0) {
    auto limit = db->prepare("PRAGMA max_page_count=" + std::to_string(options.max_page_count),
                             Cache::No);  // a number from the caller's options, not user text
    if (!limit) return limit.error();
    limit->step();
  }
  return db;
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Error Db::error(int rc, std::string_view what) const {
  return Error{errc_for(rc), std::string(what) + ": " + sqlite3_errmsg(db_)};
}

Result<void> Db::exec(std::string_view sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  Error e{errc_for(rc),
          std::string(sql.substr(0, 60)) + ": " + (message ? message : sqlite3_errstr(rc))};
  sqlite3_free(message);
  return e;
}

Result<void> Db::define_function(const char* name, int args, ScalarFunction fn, void* data) {
  const int rc = sqlite3_create_function_v2(db_, name, args, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                            data, fn, nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return {};
  return error(rc, std::string("define function ") + name);
}

Result<Statement> Db::prepare(const std::string& sql, Cache cache) {
  if (cache == Cache::Yes) {
    if (auto it = cache_.find(sql); it != cache_.end()) return Statement(it->second, false);
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                         cache == Cache::Yes ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) return error(rc, "prepare");
  if (cache == Cache::No) return Statement(stmt, true);
  cache_.emplace(sql, stmt);
  return Statement(stmt, false);
}

std::int64_t Db::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
std::int64_t Db::changes() const { return sqlite3_changes64(db_); }
bool Db::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

Result<void> Transaction::begin() {
  nested_ = db_.in_transaction();
  auto r = db_.exec(nested_ ? "SAVEPOINT nested" : "BEGIN IMMEDIATE");
  open_ = r.ok();
  return r;
}

Result<void> Transaction::commit() {
  auto r = db_.exec(nested_ ? "RELEASE nested" : "COMMIT");
  if (r.ok()) open_ = false;
  return r;  // on failure (full disk at commit) the destructor rolls back
}

Transaction::~Transaction() {
  // SQLite may already have rolled back by itself (SQLITE_FULL, SQLITE_IOERR); only roll back
  // what is still open, so nothing is left half-done either way.
  if (!open_ || !db_.in_transaction()) return;
  if (nested_) {
    (void)db_.exec("ROLLBACK TO nested");
    (void)db_.exec("RELEASE nested");
  } else {
    (void)db_.exec("ROLLBACK");
  }
}

}  // namespace dialcore::control::store::sqlite
