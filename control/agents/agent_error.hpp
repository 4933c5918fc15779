#pragma once
// Errors of the agents domain: a store error code (Invalid for validation) with a message and,
// for validation, one entry per offending field so an API can answer 422 with all of them.

#include <string>
#include <vector>

#include "control/store/result.hpp"

namespace dialcore::control::agents {

struct FieldError {
  std::string field;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

struct AgentError {
  store::Errc code = store::Errc::Invalid;
  std::string message;
  std::vector<FieldError> fields;
};

template <class T>
using AgentResult = store::Result<T, AgentError>;

inline AgentError from_store(const store::Error& e) { return AgentError{e.code, e.message, {}}; }
inline AgentError invalid(std::vector<FieldError> fields) {
  return AgentError{store::Errc::Invalid, "validation failed", std::move(fields)};
}
inline AgentError invalid(std::string field, std::string message) {
  return invalid({FieldError{std::move(field), std::move(message)}});
}

}  // namespace dialcore::control::agents
