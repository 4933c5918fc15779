#pragma once
// Agents as CSV (RFC 4180, control/csv): export of every agent, import with a report of each
// rejected row. Columns (header names, any order on import): id (export only), username,
// first_name, last_name, email, alias, timezone, cli, default_phone, sip_username,
// connection_mode (call_me|call_in|web), the booleans (true/false, yes/no, 1/0)
// connection_persistent, login_enabled, perm_*, login_in_pause, mask_sensitive_data,
// auto_answer, dnd_in_pause, ring_in_use; teams and queues as names separated by ';';
// campaigns as "name:priority" separated by ';'; password (import only, optional; without one
// the agent cannot log in until an admin sets it). Secrets are never exported.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "control/agents/agent_error.hpp"
#include "control/agents/agent_service.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::agents {

AgentResult<std::string> export_agents_csv(store::Store& store);

struct ImportRowError {
  std::size_t line = 0;  // line of the record in the file (the header is line 1)
  std::string username;
  std::vector<FieldError> errors;
};

struct ImportReport {
  std::size_t rows = 0;
  std::size_t created = 0;  // with dry_run: how many would be created
  std::vector<ImportRowError> rejected;
};

// A file-level problem (malformed CSV, missing or unknown columns) is an Invalid error naming
// the line; row problems go in the report and the other rows are still imported, each in its
// own transaction. With dry_run nothing is written.
AgentResult<ImportReport> import_agents_csv(AgentService& service, store::Store& store,
                                            std::string_view text, const store::Actor& actor,
                                            bool dry_run = false);

}  // namespace dialcore::control::agents
