#pragma once
// Leads and what happens to them: leads (audited: admins import and edit them), callbacks, and
// the history rows written by calls — attempts, dispositions, CDRs, the recording index. History
// rows carry ids without foreign keys on purpose: a CDR outlives the agent or lead it names.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "control/store/field.hpp"

namespace dialcore::control::store {

struct Lead : RecordBase {
  std::int64_t campaign_id = 0;  // must exist; a campaign with leads cannot be deleted
  std::string external_id;
  std::string first_name;
  std::string last_name;
  std::string phone1;  // mobile/home/work (issue 9: up to 3 numbers per lead)
  std::string phone2;
  std::string phone3;
  std::string timezone;        // for calling windows; empty: campaign's
  std::string status = "new";  // new, in_progress, done, dnc
  std::int64_t attempts = 0;
  std::optional<std::int64_t> next_call_at_ms;
  std::string data_json = "{}";  // custom fields from the import

  bool operator==(const Lead&) const = default;
  static constexpr std::string_view kTable = "leads";
  static constexpr std::string_view kEntity = "lead";
  static constexpr bool kAudited = true;
  static constexpr auto fields() {
    return std::tuple{field("campaign_id", &Lead::campaign_id),
                      field("external_id", &Lead::external_id),
                      field("first_name", &Lead::first_name),
                      field("last_name", &Lead::last_name),
                      field("phone1", &Lead::phone1),
                      field("phone2", &Lead::phone2),
                      field("phone3", &Lead::phone3),
                      field("timezone", &Lead::timezone),
                      field("status", &Lead::status),
                      field("attempts", &Lead::attempts),
                      field("next_call_at_ms", &Lead::next_call_at_ms),
                      field("data_json", &Lead::data_json)};
  }
};

struct Attempt : RecordBase {
  std::string call_id;  // the call that made it (schema v3; "" before)
  std::int64_t lead_id = 0;
  std::int64_t campaign_id = 0;
  std::string phone;
  std::optional<std::int64_t> agent_id;
  std::int64_t started_at_ms = 0;
  std::optional<std::int64_t> answered_at_ms;
  std::optional<std::int64_t> ended_at_ms;
  // answered, busy, no_answer, machine, message_left, invalid, abandoned, failed, interrupted
  std::string outcome;
  std::string amd;  // human, machine, unknown, "" (not run)

  bool operator==(const Attempt&) const = default;
  static constexpr std::string_view kTable = "attempts";
  static constexpr std::string_view kEntity = "attempt";
  static constexpr bool kAudited = false;
  static constexpr auto fields() {
    return std::tuple{field("call_id", &Attempt::call_id),
                      field("lead_id", &Attempt::lead_id),
                      field("campaign_id", &Attempt::campaign_id),
                      field("phone", &Attempt::phone),
                      field("agent_id", &Attempt::agent_id),
                      field("started_at_ms", &Attempt::started_at_ms),
                      field("answered_at_ms", &Attempt::answered_at_ms),
                      field("ended_at_ms", &Attempt::ended_at_ms),
                      field("outcome", &Attempt::outcome),
                      field("amd", &Attempt::amd)};
  }
};

struct Disposition : RecordBase {
  std::optional<std::int64_t> attempt_id;
  std::optional<std::int64_t> lead_id;
  std::optional<std::int64_t> agent_id;
  std::string call_id;
  std::string wrap_code;  // the code as chosen, kept even if the wrap code is later deleted
  std::string notes;
  std::int64_t created_at_ms = 0;

  bool operator==(const Disposition&) const = default;
  static constexpr std::string_view kTable = "dispositions";
  static constexpr std::string_view kEntity = "disposition";
  static constexpr bool kAudited = false;
  static constexpr auto fields() {
    return std::tuple{
        field("attempt_id", &Disposition::attempt_id),      field("lead_id", &Disposition::lead_id),
        field("agent_id", &Disposition::agent_id),          field("call_id", &Disposition::call_id),
        field("wrap_code", &Disposition::wrap_code),        field("notes", &Disposition::notes),
        field("created_at_ms", &Disposition::created_at_ms)};
  }
};

struct Callback : RecordBase {
  std::int64_t lead_id = 0;  // must exist; deleting the lead deletes its callbacks
  std::int64_t campaign_id = 0;
  std::optional<std::int64_t> agent_id;  // empty: a queue callback any agent may take
  std::int64_t due_at_ms = 0;
  std::string phone;
  std::string note;
  std::string status = "pending";  // pending, done, cancelled

  bool operator==(const Callback&) const = default;
  static constexpr std::string_view kTable = "callbacks";
  static constexpr std::string_view kEntity = "callback";
  static constexpr bool kAudited = true;
  static constexpr auto fields() {
    return std::tuple{
        field("lead_id", &Callback::lead_id),   field("campaign_id", &Callback::campaign_id),
        field("agent_id", &Callback::agent_id), field("due_at_ms", &Callback::due_at_ms),
        field("phone", &Callback::phone),       field("note", &Callback::note),
        field("status", &Callback::status)};
  }
};

struct Cdr : RecordBase {
  std::string call_id;
  std::string leg;        // a, b, agent, consult...
  std::string direction;  // inbound, outbound, internal
  std::string from_number;
  std::string to_number;
  std::optional<std::int64_t> agent_id;
  std::optional<std::int64_t> campaign_id;
  std::optional<std::int64_t> queue_id;
  std::optional<std::int64_t> lead_id;
  std::int64_t started_at_ms = 0;
  std::optional<std::int64_t> answered_at_ms;
  std::optional<std::int64_t> ended_at_ms;
  std::string hangup_cause;
  std::string wrap_code;
  std::string events_json = "[]";  // bridge, hold, transfer... with their times (issue 8)

  bool operator==(const Cdr&) const = default;
  static constexpr std::string_view kTable = "cdrs";
  static constexpr std::string_view kEntity = "cdr";
  static constexpr bool kAudited = false;
  static constexpr auto fields() {
    return std::tuple{field("call_id", &Cdr::call_id),
                      field("leg", &Cdr::leg),
                      field("direction", &Cdr::direction),
                      field("from_number", &Cdr::from_number),
                      field("to_number", &Cdr::to_number),
                      field("agent_id", &Cdr::agent_id),
                      field("campaign_id", &Cdr::campaign_id),
                      field("queue_id", &Cdr::queue_id),
                      field("lead_id", &Cdr::lead_id),
                      field("started_at_ms", &Cdr::started_at_ms),
                      field("answered_at_ms", &Cdr::answered_at_ms),
                      field("ended_at_ms", &Cdr::ended_at_ms),
                      field("hangup_cause", &Cdr::hangup_cause),
                      field("wrap_code", &Cdr::wrap_code),
                      field("events_json", &Cdr::events_json)};
  }
};

// The recording index (schema v2, completed in v5): one row per recording file the recorders
// finished, repaired at start or cut short, written by the call history from the file's sidecar.
struct Recording : RecordBase {
  std::string call_id;
  std::string path;    // unique: the audio file
  std::string format;  // wav, opus...
  std::int64_t started_at_ms = 0;
  std::int64_t duration_ms = 0;
  std::int64_t size_bytes = 0;
  std::string tags;    // manual tags' texts, comma-separated
  // v5
  std::string leg;       // the call leg recorded ("a": the customer's, with the agent's side)
  std::string campaign;  // the campaign's configuration id, as the recorder was told
  std::string agent;
  std::optional<std::int64_t> ended_at_ms;
  // complete, repaired, truncated_disk_full, truncated_too_large, interrupted, failed
  std::string state = "complete";
  std::string markers_json = "[]";  // [{"kind","offset_ms","text"}]: pauses, tags, prompts, masks
  std::string sha256;

  bool operator==(const Recording&) const = default;
  static constexpr std::string_view kTable = "recordings";
  static constexpr std::string_view kEntity = "recording";
  static constexpr bool kAudited = false;
  static constexpr auto fields() {
    return std::tuple{field("call_id", &Recording::call_id),
                      field("path", &Recording::path),
                      field("format", &Recording::format),
                      field("started_at_ms", &Recording::started_at_ms),
                      field("duration_ms", &Recording::duration_ms),
                      field("size_bytes", &Recording::size_bytes),
                      field("tags", &Recording::tags),
                      field("leg", &Recording::leg),
                      field("campaign", &Recording::campaign),
                      field("agent", &Recording::agent),
                      field("ended_at_ms", &Recording::ended_at_ms),
                      field("state", &Recording::state),
                      field("markers_json", &Recording::markers_json),
                      field("sha256", &Recording::sha256)};
  }
};

// The do-not-call list (schema v3): numbers never dialled; a lead imported with one is stored
// with status "dnc". Numbers are kept as lead import normalises them: digits with an optional
// leading '+' (a CHECK refuses anything else), unique.
struct DncEntry : RecordBase {
  std::string phone;
  std::string note;
  std::int64_t added_at_ms = 0;

  bool operator==(const DncEntry&) const = default;
  static constexpr std::string_view kTable = "dnc";
  static constexpr std::string_view kEntity = "dnc";
  static constexpr bool kAudited = true;
  static constexpr auto fields() {
    return std::tuple{field("phone", &DncEntry::phone), field("note", &DncEntry::note),
                      field("added_at_ms", &DncEntry::added_at_ms)};
  }
};

// Append-only: the SQLite schema refuses UPDATE and DELETE on audit_log with triggers.
struct AuditEntry : RecordBase {
  std::int64_t at_ms = 0;
  std::string actor;
  std::string action;  // create, update, delete
  std::string entity;  // Team::kEntity, Agent::kEntity...
  std::int64_t entity_id = 0;
  std::string before_json;  // "" for create
  std::string after_json;   // "" for delete

  bool operator==(const AuditEntry&) const = default;
  static constexpr std::string_view kTable = "audit_log";
  static constexpr std::string_view kEntity = "audit";
  static constexpr bool kAudited = false;
  static constexpr auto fields() {
    return std::tuple{
        field("at_ms", &AuditEntry::at_ms),          field("actor", &AuditEntry::actor),
        field("action", &AuditEntry::action),        field("entity", &AuditEntry::entity),
        field("entity_id", &AuditEntry::entity_id),  field("before_json", &AuditEntry::before_json),
        field("after_json", &AuditEntry::after_json)};
  }
};

}  // namespace dialcore::control::store
