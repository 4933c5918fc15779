#pragma once
// Internal to control/store: Repository<T> on SQLite for any record with a field table. Writes
// are one IMMEDIATE transaction each: row, link rows, audit row (for audited records).

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "control/store/record_json.hpp"
#include "control/store/repository.hpp"
#include "control/store/sqlite_columns.hpp"
#include "control/store/sqlite_db.hpp"
#include "control/store/sqlite_links.hpp"

namespace dialcore::control::store::sqlite {

template <class T>
class SqliteRepository final : public Repository<T> {
 public:
  explicit SqliteRepository(Db& db)
      : db_(db),
        select_(select_list(T::kTable, columns<T>())),
        insert_(insert_sql(T::kTable, columns<T>())),
        update_(update_sql(T::kTable, columns<T>())),
        delete_(std::string("DELETE FROM ").append(T::kTable).append(" WHERE id = ?")) {}

  Result<T> get(std::int64_t id) override {
    auto s = db_.prepare(select_ + " WHERE id = ?");
    if (!s) return s.error();
    s->bind(1, id);
    const int rc = s->step();
    if (rc == SQLITE_DONE) return not_found(id);
    if (rc != SQLITE_ROW) return db_.error(rc, "get");
    T record;
    if (!read_record(*s, record)) return Error{Errc::Corrupt, entity() + " " + std::to_string(id)};
    if (auto r = load_links(db_, record); !r) return r.error();
    return record;
  }

  Result<std::vector<T>> list(const Query& query) override {
    auto built = build_query(select_, columns<T>(), query, true);
    if (!built) return built.error();
    auto s = db_.prepare(built->sql, Cache::No);
    if (!s) return s.error();
    bind_values(*s, built->binds);
    std::vector<T> out;
    int rc;
    while ((rc = s->step()) == SQLITE_ROW) {
      T record;
      if (!read_record(*s, record)) return Error{Errc::Corrupt, entity() + " row"};
      out.push_back(std::move(record));
    }
    if (rc != SQLITE_DONE) return db_.error(rc, "list");
    for (auto& record : out) {
      if (auto r = load_links(db_, record); !r) return r.error();
    }
    return out;
  }

  Result<std::int64_t> count(const Query& query) override {
    auto built = build_query(std::string("SELECT COUNT(*) FROM ").append(T::kTable), columns<T>(),
                             query, false);
    if (!built) return built.error();
    auto s = db_.prepare(built->sql, Cache::No);
    if (!s) return s.error();
    bind_values(*s, built->binds);
    const int rc = s->step();
    if (rc != SQLITE_ROW) return db_.error(rc, "count");
    return s->column_int(0);
  }

  Result<void> create(T& record, const Actor& actor) override {
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return r;
    auto s = db_.prepare(insert_);
    if (!s) return s.error();
    bind_fields(*s, record, 1);
    if (const int rc = s->step(); rc != SQLITE_DONE) return db_.error(rc, "create " + entity());
    const std::int64_t id = db_.last_insert_id();
    T stored = record;
    stored.id = id;
    stored.version = 1;
    if (auto r = save_links(db_, stored); !r) return r;
    if (auto r = audit(actor, "create", id, "", stored); !r) return r;
    if (auto r = tx.commit(); !r) return r;
    record.id = id;
    record.version = 1;
    return {};
  }

  Result<void> update(T& record, const Actor& actor) override {
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return r;
    auto before = get(record.id);
    if (!before) return before.error();
    if (before->version != record.version) return conflict(record);
    auto s = db_.prepare(update_);
    if (!s) return s.error();
    const int next = bind_fields(*s, record, 1);
    s->bind(next, record.id);
    s->bind(next + 1, record.version);
    if (const int rc = s->step(); rc != SQLITE_DONE) return db_.error(rc, "update " + entity());
    if (db_.changes() != 1) return conflict(record);
    T stored = record;
    stored.version = record.version + 1;
    if (auto r = save_links(db_, stored); !r) return r;
    if (auto r = audit(actor, "update", record.id, to_json(*before), stored); !r) return r;
    if (auto r = tx.commit(); !r) return r;
    record.version = stored.version;
    return {};
  }

  Result<void> remove(std::int64_t id, const Actor& actor) override {
    const std::int64_t one[] = {id};
    auto r = remove_many(one, actor);
    if (!r) return r.error();
    return {};
  }

  Result<std::size_t> remove_many(std::span<const std::int64_t> requested,
                                  const Actor& actor) override {
    // An id named twice is deleted once (not "not found" the second time).
    std::vector<std::int64_t> ids(requested.begin(), requested.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    Transaction tx(db_);
    if (auto r = tx.begin(); !r) return r.error();
    for (auto id : ids) {
      auto before = get(id);
      if (!before) return before.error();
      auto s = db_.prepare(delete_);
      if (!s) return s.error();
      s->bind(1, id);
      if (const int rc = s->step(); rc != SQLITE_DONE) {
        return db_.error(rc, "delete " + entity() + " " + std::to_string(id));
      }
      if (auto r = audit(actor, "delete", id, to_json(*before), std::nullopt); !r) return r.error();
    }
    if (auto r = tx.commit(); !r) return r.error();
    return ids.size();
  }

 private:
  static std::string entity() { return std::string(T::kEntity); }
  static Error not_found(std::int64_t id) {
    return Error{Errc::NotFound, entity() + " " + std::to_string(id) + " not found"};
  }
  static Error conflict(const T& record) {
    return Error{Errc::Conflict, entity() + " " + std::to_string(record.id) +
                                     " was changed since version " +
                                     std::to_string(record.version)};
  }

  Result<void> audit(const Actor& actor, std::string_view action, std::int64_t id,
                     std::string before, const std::optional<T>& after) {
    if constexpr (!T::kAudited) {
      return {};
    } else {
      AuditEntry e;
      e.at_ms = actor.at_ms;
      e.actor = actor.name;
      e.action = std::string(action);
      e.entity = entity();
      e.entity_id = id;
      e.before_json = std::move(before);
      e.after_json = after ? to_json(*after) : std::string();
      auto s = db_.prepare(insert_sql(AuditEntry::kTable, columns<AuditEntry>()));
      if (!s) return s.error();
      bind_fields(*s, e, 1);
      if (const int rc = s->step(); rc != SQLITE_DONE) return db_.error(rc, "audit");
      return {};
    }
  }

  Db& db_;
  std::string select_;
  std::string insert_;
  std::string update_;
  std::string delete_;
};

}  // namespace dialcore::control::store::sqlite
