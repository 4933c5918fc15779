#include "control/store/sqlite_migrations.hpp"

#include <sqlite3.h>

#include <array>
#include <string>

#include "control/store/sip_ha1.hpp"

namespace dialcore::control::store::sqlite {

namespace {

// Version 1: configuration, agents with their assignments, the audit log.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE teams (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  description TEXT NOT NULL DEFAULT '');
CREATE TABLE queues (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  strategy TEXT NOT NULL CHECK (strategy IN
    ('ring_all','longest_idle','fewest_calls','round_robin','random','skill')),
  ring_timeout_s INTEGER NOT NULL CHECK (ring_timeout_s > 0),
  wrap_s INTEGER NOT NULL CHECK (wrap_s >= 0),
  max_wait_s INTEGER NOT NULL CHECK (max_wait_s >= 0),
  overflow_queue_id INTEGER REFERENCES queues(id) ON DELETE SET NULL);
CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  kind TEXT NOT NULL CHECK (kind IN ('outbound','inbound','blended')),
  dial_mode TEXT NOT NULL CHECK (dial_mode IN ('preview','progressive','power','predictive')),
  cli TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL CHECK (active IN (0,1)),
  wrap_timeout_s INTEGER NOT NULL CHECK (wrap_timeout_s >= 0),
  max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1));
CREATE TABLE pause_reasons (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  code TEXT NOT NULL DEFAULT '',
  paid INTEGER NOT NULL CHECK (paid IN (0,1)));
CREATE TABLE wrap_codes (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  code TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(code) BETWEEN 1 AND 50),
  campaign_id INTEGER REFERENCES campaigns(id) ON DELETE RESTRICT,
  schedules_callback INTEGER NOT NULL CHECK (schedules_callback IN (0,1)),
  completes_number INTEGER NOT NULL CHECK (completes_number IN (0,1)));
CREATE TABLE agents (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  username TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(username) BETWEEN 1 AND 64),
  first_name TEXT NOT NULL, last_name TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '', alias TEXT NOT NULL DEFAULT '',
  timezone TEXT NOT NULL DEFAULT '', cli TEXT NOT NULL DEFAULT '',
  connection_mode TEXT NOT NULL CHECK (connection_mode IN ('call_me','call_in','web')),
  connection_persistent INTEGER NOT NULL,
  default_phone TEXT NOT NULL DEFAULT '',
  perm_manual_call INTEGER NOT NULL, perm_agent_call INTEGER NOT NULL,
  perm_pause_reasons INTEGER NOT NULL, perm_callbacks INTEGER NOT NULL,
  perm_transfers_when_paused INTEGER NOT NULL, perm_lead_manager INTEGER NOT NULL,
  login_in_pause INTEGER NOT NULL, mask_sensitive_data INTEGER NOT NULL,
  auto_answer INTEGER NOT NULL, dnd_in_pause INTEGER NOT NULL, ring_in_use INTEGER NOT NULL,
  sip_username TEXT NOT NULL DEFAULT '', sip_password TEXT NOT NULL DEFAULT '',
  login_enabled INTEGER NOT NULL, disabled_reason TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL DEFAULT '', must_change_password INTEGER NOT NULL,
  password_changed_at_ms INTEGER,
  failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked INTEGER NOT NULL DEFAULT 0, locked_at_ms INTEGER,
  last_login_at_ms INTEGER, created_at_ms INTEGER NOT NULL);
CREATE INDEX agents_last_name ON agents(last_name COLLATE NOCASE);
CREATE INDEX agents_first_name ON agents(first_name COLLATE NOCASE);
CREATE TABLE agent_teams (
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE RESTRICT,
  PRIMARY KEY (agent_id, team_id)) WITHOUT ROWID;
CREATE INDEX agent_teams_team ON agent_teams(team_id);
CREATE TABLE agent_queues (
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE RESTRICT,
  PRIMARY KEY (agent_id, queue_id)) WITHOUT ROWID;
CREATE INDEX agent_queues_queue ON agent_queues(queue_id);
CREATE TABLE agent_campaigns (
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE RESTRICT,
  priority TEXT NOT NULL CHECK (priority IN ('high','medium','low')),
  PRIMARY KEY (agent_id, campaign_id)) WITHOUT ROWID;
CREATE INDEX agent_campaigns_campaign ON agent_campaigns(campaign_id);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  at_ms INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  entity TEXT NOT NULL, entity_id INTEGER NOT NULL,
  before_json TEXT NOT NULL, after_json TEXT NOT NULL);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_at ON audit_log(at_ms);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
)sql";

// Version 2: agent TOTP MFA; leads, callbacks and call history; the recording index.
constexpr std::string_view kV2 = R"sql(
ALTER TABLE agents ADD COLUMN mfa_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN enabled_at_ms INTEGER;
CREATE TABLE leads (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE RESTRICT,
  external_id TEXT NOT NULL DEFAULT '', first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  phone1 TEXT NOT NULL DEFAULT '', phone2 TEXT NOT NULL DEFAULT '', phone3 TEXT NOT NULL DEFAULT '',
  timezone TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('new','in_progress','done','dnc')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_call_at_ms INTEGER,
  data_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data_json)));
CREATE INDEX leads_hopper ON leads(campaign_id, status, next_call_at_ms);
CREATE INDEX leads_phone1 ON leads(phone1);
CREATE TABLE attempts (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  lead_id INTEGER NOT NULL, campaign_id INTEGER NOT NULL, phone TEXT NOT NULL,
  agent_id INTEGER, started_at_ms INTEGER NOT NULL, answered_at_ms INTEGER, ended_at_ms INTEGER,
  outcome TEXT NOT NULL DEFAULT '', amd TEXT NOT NULL DEFAULT '');
CREATE INDEX attempts_lead ON attempts(lead_id, started_at_ms);
CREATE INDEX attempts_phone ON attempts(phone, started_at_ms);
CREATE INDEX attempts_campaign ON attempts(campaign_id, started_at_ms);
CREATE TABLE dispositions (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  attempt_id INTEGER, lead_id INTEGER, agent_id INTEGER, call_id TEXT NOT NULL DEFAULT '',
  wrap_code TEXT NOT NULL, notes TEXT NOT NULL DEFAULT '', created_at_ms INTEGER NOT NULL);
CREATE INDEX dispositions_lead ON dispositions(lead_id);
CREATE INDEX dispositions_call ON dispositions(call_id);
CREATE TABLE callbacks (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  campaign_id INTEGER NOT NULL, agent_id INTEGER, due_at_ms INTEGER NOT NULL,
  phone TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('pending','done','cancelled')));
CREATE INDEX callbacks_due ON callbacks(status, due_at_ms);
CREATE INDEX callbacks_agent ON callbacks(agent_id, due_at_ms);
CREATE TABLE cdrs (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  call_id TEXT NOT NULL, leg TEXT NOT NULL DEFAULT '', direction TEXT NOT NULL DEFAULT '',
  from_number TEXT NOT NULL DEFAULT '', to_number TEXT NOT NULL DEFAULT '',
  agent_id INTEGER, campaign_id INTEGER, queue_id INTEGER, lead_id INTEGER,
  started_at_ms INTEGER NOT NULL, answered_at_ms INTEGER, ended_at_ms INTEGER,
  hangup_cause TEXT NOT NULL DEFAULT '', wrap_code TEXT NOT NULL DEFAULT '',
  events_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(events_json)));
CREATE INDEX cdrs_call ON cdrs(call_id);
CREATE INDEX cdrs_started ON cdrs(started_at_ms);
CREATE INDEX cdrs_agent ON cdrs(agent_id, started_at_ms);
CREATE TABLE recordings (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  call_id TEXT NOT NULL, path TEXT NOT NULL UNIQUE, format TEXT NOT NULL,
  started_at_ms INTEGER NOT NULL, duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
  size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0), tags TEXT NOT NULL DEFAULT '');
CREATE INDEX recordings_call ON recordings(call_id);
)sql";

// Version 3: the do-not-call list; attempts name their call; lookups lead import and the call
// history writer need (a campaign's number, a call's legs and attempts, open CDRs).
constexpr std::string_view kV3 = R"sql(
CREATE TABLE dnc (
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1,
  phone TEXT NOT NULL COLLATE NOCASE UNIQUE
    CHECK (length(phone) BETWEEN 1 AND 20 AND phone NOT GLOB '*[^0-9+]*'
           AND substr(phone, 2) NOT GLOB '*[^0-9]*'),
  note TEXT NOT NULL DEFAULT '', added_at_ms INTEGER NOT NULL DEFAULT 0);
ALTER TABLE attempts ADD COLUMN call_id TEXT NOT NULL DEFAULT '';
CREATE INDEX attempts_call ON attempts(call_id COLLATE NOCASE);
CREATE INDEX leads_campaign_phone ON leads(campaign_id, phone1 COLLATE NOCASE);
CREATE INDEX leads_status ON leads(status);
CREATE INDEX cdrs_call_nocase ON cdrs(call_id COLLATE NOCASE, leg COLLATE NOCASE);
CREATE INDEX cdrs_open ON cdrs(id) WHERE ended_at_ms IS NULL;
CREATE INDEX attempts_open ON attempts(id) WHERE ended_at_ms IS NULL;
CREATE INDEX cdrs_campaign ON cdrs(campaign_id, started_at_ms);
)sql";

// Version 4: agents' SIP passwords become HA1 digests (issue 7). Existing plain passwords are
// hashed with the realm migrate() is given and blanked; from now on the store refuses a plain
// one (the agents service turns the password an admin gives into HA1 before storing).
constexpr std::string_view kV4 = R"sql(
ALTER TABLE agents ADD COLUMN sip_ha1 TEXT NOT NULL DEFAULT '';
UPDATE agents SET sip_ha1 = dialcore_sip_ha1(sip_username, sip_password), sip_password = ''
  WHERE sip_password <> '';
CREATE TRIGGER agents_no_plain_sip_password_insert BEFORE INSERT ON agents
  WHEN NEW.sip_password <> ''
  BEGIN SELECT RAISE(ABORT, 'plain SIP passwords are not stored: store sip_ha1'); END;
CREATE TRIGGER agents_no_plain_sip_password_update BEFORE UPDATE OF sip_password ON agents
  WHEN NEW.sip_password <> ''
  BEGIN SELECT RAISE(ABORT, 'plain SIP passwords are not stored: store sip_ha1'); END;
)sql";

// Version 5: the recording index completed (issue 5): leg, campaign, agent, end, state, markers
// and checksum of each file; listed by campaign.
constexpr std::string_view kV5 = R"sql(
ALTER TABLE recordings ADD COLUMN leg TEXT NOT NULL DEFAULT '';
ALTER TABLE recordings ADD COLUMN campaign TEXT NOT NULL DEFAULT '';
ALTER TABLE recordings ADD COLUMN agent TEXT NOT NULL DEFAULT '';
ALTER TABLE recordings ADD COLUMN ended_at_ms INTEGER;
ALTER TABLE recordings ADD COLUMN state TEXT NOT NULL DEFAULT 'complete'
  CHECK (state IN ('complete','repaired','truncated_disk_full','truncated_too_large',
                   'interrupted','failed'));
ALTER TABLE recordings ADD COLUMN markers_json TEXT NOT NULL DEFAULT '[]'
  CHECK (json_valid(markers_json));
ALTER TABLE recordings ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';
CREATE INDEX recordings_campaign ON recordings(campaign COLLATE NOCASE, started_at_ms);
CREATE INDEX recordings_call_nocase ON recordings(call_id COLLATE NOCASE);
)sql";

// Version 6: agents' API sessions survive a restart (issue 6); only a hash of each token.
constexpr std::string_view kV6 = R"sql(
CREATE TABLE api_sessions (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  username TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL);
CREATE INDEX api_sessions_agent ON api_sessions(agent_id);
CREATE INDEX api_sessions_expiry ON api_sessions(expires_at_ms);
)sql";

constexpr std::array kMigrations{
    Migration{1, "configuration, agents and assignments, audit log", kV1},
    Migration{2,
              "agent TOTP and re-enable time; leads, callbacks, attempts, dispositions, CDRs; "
              "recording index",
              kV2},
    Migration{3, "do-not-call list; attempts name their call; lead, call and open-row indexes",
              kV3},
    Migration{4, "agents' SIP passwords stored as HA1 digests only", kV4},
    Migration{5, "recording index: leg, campaign, agent, end, state, markers, checksum", kV5},
    Migration{6, "agents' API sessions (token hashes) kept across restarts", kV6},
};

// dialcore_sip_ha1(username, password): the HA1 for the realm in the function's data.
void sip_ha1_function(sqlite3_context* context, int args, sqlite3_value** values) {
  if (args != 2) return sqlite3_result_error(context, "dialcore_sip_ha1 takes 2 arguments", -1);
  const auto text = [&](int i) {
    const auto* t = reinterpret_cast<const char*>(sqlite3_value_text(values[i]));
    return std::string_view(t != nullptr ? t : "");
  };
  const auto* realm = static_cast<const std::string*>(sqlite3_user_data(context));
  const std::string ha1 = sip_ha1(text(0), *realm, text(1));
  if (ha1.empty()) return sqlite3_result_error_nomem(context);
  sqlite3_result_text(context, ha1.c_str(), static_cast<int>(ha1.size()), SQLITE_TRANSIENT);
}

Result<std::int64_t> current_version(Db& db) {
  auto stmt = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", Cache::No);
  if (!stmt) return stmt.error();
  const int rc = stmt->step();
  if (rc != SQLITE_ROW) return db.error(rc, "read schema_migrations");
  return stmt->column_int(0);
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }
std::int64_t latest_schema_version() { return kMigrations.back().version; }

Result<std::int64_t> migrate(Db& db, std::int64_t target_version, std::string_view sip_realm) {
  const std::int64_t target = target_version > 0 ? target_version : latest_schema_version();
  std::string realm(sip_realm);
  if (auto r = db.define_function("dialcore_sip_ha1", 2, sip_ha1_function, &realm); !r) {
    return r.error();
  }
  // `realm` dies with this call: the function goes first, whatever the outcome.
  struct Undefine {
    Db& db;
    ~Undefine() { (void)db.define_function("dialcore_sip_ha1", 2, nullptr, nullptr); }
  } undefine{db};
  Transaction tx(db);
  if (auto r = tx.begin(); !r) return r.error();
  if (auto r = db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                       "version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
                       "applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))");
      !r) {
    return r.error();
  }
  auto version = current_version(db);
  if (!version) return version.error();
  if (*version > latest_schema_version()) {
    return Error{Errc::TooNew, "database schema version " + std::to_string(*version) +
                                   " is newer than this build's " +
                                   std::to_string(latest_schema_version()) + "; refusing to open"};
  }
  for (const auto& m : kMigrations) {
    if (m.version <= *version || m.version > target) continue;
    if (auto r = db.exec(m.sql); !r) {
      return Error{r.code(), "migration " + std::to_string(m.version) + ": " + r.error().message};
    }
    auto insert = db.prepare("INSERT INTO schema_migrations (version, description) VALUES (?, ?)");
    if (!insert) return insert.error();
    insert->bind(1, m.version);
    insert->bind(2, m.description);
    if (const int rc = insert->step(); rc != SQLITE_DONE) return db.error(rc, "record migration");
    *version = m.version;
  }
  if (auto r = tx.commit(); !r) return r.error();
  return *version;
}

}  // namespace dialcore::control::store::sqlite
