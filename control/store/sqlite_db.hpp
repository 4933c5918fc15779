#pragma once
// Internal to control/store: the SQLite connection, prepared statements and transactions. Only
// fixed SQL text is ever executed or prepared here; every user value goes through bind().

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "control/store/result.hpp"

struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_context;
struct sqlite3_value;

namespace dialcore::control::store::sqlite {

// A statement in use. Its destructor resets it (releasing the read snapshot a SELECT holds, so
// WAL checkpoints are never blocked by a forgotten cursor) and, if it was not cached, finalizes it.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, bool owned) : stmt_(stmt), owned_(owned) {}
  Statement(Statement&& other) noexcept : stmt_(other.stmt_), owned_(other.owned_) {
    other.stmt_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  void bind(int index, std::int64_t value);
  void bind(int index, std::string_view value);
  void bind_null(int index);
  // SQLITE_ROW, SQLITE_DONE, or an (extended) error code.
  int step();
  std::int64_t column_int(int index);
  std::string column_text(int index);
  bool column_null(int index);

 private:
  sqlite3_stmt* stmt_;
  bool owned_;
};

enum class Cache { Yes, No };

struct OpenOptions {
  std::string path;
  std::int64_t busy_timeout_ms = 2000;
  bool synchronous_full = true;     // WAL + FULL: a committed transaction survives power loss
  std::int64_t max_page_count = 0;  // 0: SQLite's default; tests set it to simulate a full disk
};

class Db {
 public:
  static Result<std::unique_ptr<Db>> open(const OpenOptions& options);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Fixed SQL only (schema, pragmas, BEGIN/COMMIT).
  Result<void> exec(std::string_view sql);
  // Statements of fixed text are cached; query-built ones (Cache::No) are finalized after use.
  Result<Statement> prepare(const std::string& sql, Cache cache = Cache::Yes);
  Error error(int rc, std::string_view what) const;
  std::int64_t last_insert_id() const;
  std::int64_t changes() const;
  bool in_transaction() const;
  // A deterministic SQL function for fixed SQL (migrations); a null `fn` removes it. `data`
  // must outlive the function's use.
  using ScalarFunction = void (*)(sqlite3_context*, int, sqlite3_value**);
  Result<void> define_function(const char* name, int args, ScalarFunction fn, void* data);

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE (takes the write lock up front, so a busy database fails here, before any
// work) and ROLLBACK on destruction unless committed. Inside an open transaction (a
// Store::transaction() around several repository writes) it is a SAVEPOINT instead: its commit
// releases into the outer transaction and its failure rolls back only its own part.
class Transaction {
 public:
  explicit Transaction(Db& db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  Result<void> begin();
  Result<void> commit();

 private:
  Db& db_;
  bool open_ = false;
  bool nested_ = false;
};

Errc errc_for(int rc);

}  // namespace dialcore::control::store::sqlite
