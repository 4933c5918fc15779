#pragma once
// Agents' API sessions kept across restarts (issue 6: "restart keeps everything"). Only a hash
// of each bearer token is stored: a copy of the database opens no session. A row goes when its
// session is closed, when it expires (purged at open), or with its agent (ON DELETE CASCADE).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "control/store/result.hpp"

namespace dialcore::control::store {

struct ApiSession {
  std::string token_hash;  // hex SHA-256 of the bearer token
  std::int64_t agent_id = 0;
  std::string username;
  std::int64_t expires_at_ms = 0;
};

class SessionTable {
 public:
  virtual ~SessionTable() = default;
  virtual Result<void> put(const ApiSession& session) = 0;
  // Ok also when there was no such row.
  virtual Result<void> remove(std::string_view token_hash) = 0;
  virtual Result<void> remove_agent(std::int64_t agent_id) = 0;
  // Deletes the expired rows, then returns the live ones.
  virtual Result<std::vector<ApiSession>> live(std::int64_t now_ms) = 0;
};

}  // namespace dialcore::control::store
