#pragma once
// /api/v1/agents through the agents domain (validation, passwords, audit) and the agent
// security routes: login, password change (forced at first login), unlock, TOTP enrolment.

#include <cstdint>
#include <memory>
#include <string_view>

#include "control/agents/agent_service.hpp"
#include "control/api/resource.hpp"

namespace dialcore::control::api {

std::unique_ptr<Resource> make_agent_resource(store::Store& store, agents::AgentService& service);

// Security actions on one agent; bodies are JSON objects already parsed.
ApiResponse agent_unlock(agents::AgentService& s, std::int64_t id, const store::Actor& actor);
// Admin: {"password": "..."} or {"generate": true} (the answer carries the new password).
ApiResponse agent_set_password(agents::AgentService& s, std::int64_t id,
                               const boost::json::object& body, const store::Actor& actor);
// The agent: {"current": "...", "new": "..."}.
ApiResponse agent_change_password(agents::AgentService& s, std::int64_t id,
                                  const boost::json::object& body, std::int64_t now_ms);
ApiResponse agent_mfa_enrol(agents::AgentService& s, std::int64_t id, const store::Actor& actor);
ApiResponse agent_mfa_verify(agents::AgentService& s, std::int64_t id,
                             const boost::json::object& body, const store::Actor& actor);
ApiResponse agent_mfa_disable(agents::AgentService& s, std::int64_t id, const store::Actor& actor);

// Looks the username up; 0 when unknown.
std::int64_t agent_id_by_username(store::Store& store, std::string_view username);

// Checks that `body` has only `allowed` keys, each a string ("totp" may be absent); fills `out`
// in the order of `allowed`. status 0 when fine, else the 400 to answer.
ApiResponse string_fields(const boost::json::object& body,
                          std::initializer_list<std::string_view> allowed,
                          std::initializer_list<std::string_view> required,
                          std::vector<std::optional<std::string>>& out);

}  // namespace dialcore::control::api
