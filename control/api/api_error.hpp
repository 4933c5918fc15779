#pragma once
// JSON errors with stable codes: {"error":{"code":"...","message":"...","fields":[...]}}.
// Codes are part of the API (openapi.yaml lists them); messages are for people.

#include <string>
#include <string_view>
#include <vector>

#include "control/agents/agent_error.hpp"
#include "control/api/http_types.hpp"
#include "control/store/result.hpp"

namespace dialcore::control::api {

ApiResponse error_response(unsigned status, std::string_view code, std::string_view message,
                           const std::vector<agents::FieldError>& fields = {});

// Store and domain errors to HTTP: not_found 404, conflict/duplicate/constraint 409,
// validation 422, busy 503, full 507, io/corrupt/too_new 500 (counted as store errors).
ApiResponse from_error(const store::Error& e);
ApiResponse from_error(const agents::AgentError& e);
bool is_store_failure(store::Errc code);  // the database failed, not the request

ApiResponse json_response(unsigned status, std::string body);

}  // namespace dialcore::control::api
