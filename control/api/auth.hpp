#pragma once
// Bearer tokens and their roles. Static tokens (admin from api.admin_token or
// DIALCORE_ADMIN_TOKEN, supervisor from DIALCORE_SUPERVISOR_TOKEN) are compared in constant
// time; agent sessions are random 256-bit tokens handed out by the login route, expiring after
// `session_ttl_ms`. Sessions are held in memory keyed by the token's SHA-256 and, with a
// SessionTable attached, written through to the store so a restart logs nobody out; the store
// holds only the hashes. A store error never refuses a login: the session lives in memory and
// the error is counted. Also the login rate limiter (per client address, fixed window).
// Control thread only; time is passed in.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "control/store/session_table.hpp"

namespace dialcore::control::api {

enum class Role { Agent, Supervisor, Admin };

struct Principal {
  Role role = Role::Agent;
  std::string actor;          // recorded in the audit log: "admin:token", "agent:alice"
  std::int64_t agent_id = 0;  // agent sessions only
};

class Auth {
 public:
  void set_admin_token(std::string token) { admin_token_ = std::move(token); }
  void set_supervisor_token(std::string token) { supervisor_token_ = std::move(token); }
  void set_session_ttl_ms(std::int64_t ttl) { session_ttl_ms_ = ttl; }

  // From the Authorization header ("Bearer <token>"); nullopt when missing or unknown.
  std::optional<Principal> authenticate(std::string_view authorization, std::int64_t now_ms);
  std::string open_session(std::int64_t agent_id, const std::string& username, std::int64_t now_ms);
  bool close_session(std::string_view authorization);
  std::size_t sessions() const { return sessions_.size(); }
  // Every session of the agent ends (disabled, deleted, or a password set by an admin).
  void close_agent_sessions(std::int64_t agent_id);
  // Writes sessions through to `table` from now on, after loading its live rows.
  void attach(store::SessionTable& table, std::int64_t now_ms);
  std::uint64_t store_errors() const { return store_errors_; }

 private:
  struct Session {
    std::int64_t agent_id;
    std::string username;
    std::int64_t expires_ms;
  };
  std::string admin_token_;
  std::string supervisor_token_;
  std::int64_t session_ttl_ms_ = 12 * 3600 * 1000LL;
  std::unordered_map<std::string, Session> sessions_;  // by token hash
  store::SessionTable* table_ = nullptr;
  std::uint64_t store_errors_ = 0;
  void count(bool ok) { store_errors_ += ok ? 0 : 1; }
};

// Hex SHA-256 of a bearer token: the key sessions are kept under, in memory and in the store.
std::string token_hash(std::string_view token);

class RateLimiter {
 public:
  void configure(std::uint32_t max_attempts, std::uint32_t window_s) {
    max_ = max_attempts;
    window_ms_ = std::int64_t{window_s} * 1000;
  }
  // Counts an attempt by `client`; 0 when allowed, else the seconds until the window ends.
  unsigned attempt(const std::string& client, std::int64_t now_ms);

 private:
  struct Window {
    std::int64_t start_ms;
    std::uint32_t count;
  };
  std::uint32_t max_ = 10;
  std::int64_t window_ms_ = 60000;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace dialcore::control::api
