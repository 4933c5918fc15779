#include "control/store/sqlite_store.hpp"

#include <sqlite3.h>

#include <memory>
#include <string>

#include "control/store/sqlite_db.hpp"
#include "control/store/sqlite_migrations.hpp"
#include "control/store/sqlite_repository.hpp"
#include "control/store/sqlite_sessions.hpp"

namespace dialcore::control::store {

namespace {

using sqlite::Db;
using sqlite::SqliteRepository;

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<Db> db, std::int64_t version)
      : db_(std::move(db)),
        version_(version),
        agents_(*db_),
        teams_(*db_),
        queues_(*db_),
        campaigns_(*db_),
        pause_reasons_(*db_),
        wrap_codes_(*db_),
        leads_(*db_),
        attempts_(*db_),
        dispositions_(*db_),
        callbacks_(*db_),
        cdrs_(*db_),
        recordings_(*db_),
        dnc_(*db_),
        audit_(*db_),
        sessions_(*db_) {}

  Repository<Agent>& agents() override { return agents_; }
  Repository<Team>& teams() override { return teams_; }
  Repository<Queue>& queues() override { return queues_; }
  Repository<Campaign>& campaigns() override { return campaigns_; }
  Repository<PauseReason>& pause_reasons() override { return pause_reasons_; }
  Repository<WrapCode>& wrap_codes() override { return wrap_codes_; }
  Repository<Lead>& leads() override { return leads_; }
  Repository<Attempt>& attempts() override { return attempts_; }
  Repository<Disposition>& dispositions() override { return dispositions_; }
  Repository<Callback>& callbacks() override { return callbacks_; }
  Repository<Cdr>& cdrs() override { return cdrs_; }
  Repository<Recording>& recordings() override { return recordings_; }
  Repository<DncEntry>& dnc() override { return dnc_; }
  Reader<AuditEntry>& audit() override { return audit_; }
  SessionTable& sessions() override { return sessions_; }
  std::int64_t schema_version() const override { return version_; }

  Result<void> transaction(const std::function<Result<void>()>& work) override {
    if (db_->in_transaction()) return Error{Errc::Invalid, "transaction() is not re-entrant"};
    sqlite::Transaction tx(*db_);
    if (auto r = tx.begin(); !r) return r;
    if (auto r = work(); !r) return r;
    return tx.commit();
  }

  Result<void> check_integrity() override {
    auto s = db_->prepare("PRAGMA integrity_check", sqlite::Cache::No);
    if (!s) return s.error();
    const int rc = s->step();
    if (rc != SQLITE_ROW) return db_->error(rc, "integrity_check");
    const std::string answer = s->column_text(0);
    if (answer != "ok") return Error{Errc::Corrupt, answer};
    auto fk = db_->prepare("PRAGMA foreign_key_check", sqlite::Cache::No);
    if (!fk) return fk.error();
    if (fk->step() == SQLITE_ROW) return Error{Errc::Corrupt, "foreign key check failed"};
    return {};
  }

 private:
  std::unique_ptr<Db> db_;
  std::int64_t version_;
  SqliteRepository<Agent> agents_;
  SqliteRepository<Team> teams_;
  SqliteRepository<Queue> queues_;
  SqliteRepository<Campaign> campaigns_;
  SqliteRepository<PauseReason> pause_reasons_;
  SqliteRepository<WrapCode> wrap_codes_;
  SqliteRepository<Lead> leads_;
  SqliteRepository<Attempt> attempts_;
  SqliteRepository<Disposition> dispositions_;
  SqliteRepository<Callback> callbacks_;
  SqliteRepository<Cdr> cdrs_;
  SqliteRepository<Recording> recordings_;
  SqliteRepository<DncEntry> dnc_;
  SqliteRepository<AuditEntry> audit_;
  sqlite::SqliteSessions sessions_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options) {
  auto db = Db::open(sqlite::OpenOptions{options.path, options.busy_timeout_ms,
                                         options.synchronous_full, options.max_page_count});
  if (!db) return db.error();
  auto version = sqlite::migrate(**db, options.schema_version, options.sip_realm);
  if (!version) return version.error();
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(*db), *version));
}

}  // namespace dialcore::control::store
