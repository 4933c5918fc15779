#include "control/api/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>

namespace dialcore::control::api {

namespace {

bool same(std::string_view a, const std::string& b) {
  return !b.empty() && a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view bearer(std::string_view header) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size() || header.substr(0, kPrefix.size()) != kPrefix) return {};
  return header.substr(kPrefix.size());
}

}  // namespace

std::optional<Principal> Auth::authenticate(std::string_view authorization, std::int64_t now_ms) {
  const std::string_view token = bearer(authorization);
  if (token.empty()) return std::nullopt;
  if (same(token, admin_token_)) return Principal{Role::Admin, "admin:token", 0};
  if (same(token, supervisor_token_)) return Principal{Role::Supervisor, "supervisor:token", 0};
  const auto it = sessions_.find(std::string(token));
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires_ms <= now_ms) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return Principal{Role::Agent, "agent:" + it->second.username, it->second.agent_id};
}

std::string Auth::open_session(std::int64_t agent_id, const std::string& username,
                               std::int64_t now_ms) {
  std::array<unsigned char, 32> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token = "agt_";
  for (unsigned char b : raw) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  // Expired sessions go when a new one opens, so the table stays bounded by live sessions.
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.expires_ms <= now_ms; });
  sessions_[token] = Session{agent_id, username, now_ms + session_ttl_ms_};
  return token;
}

bool Auth::close_session(std::string_view authorization) {
  return sessions_.erase(std::string(bearer(authorization))) > 0;
}

unsigned RateLimiter::attempt(const std::string& client, std::int64_t now_ms) {
  if (windows_.size() > 10000) {
    std::erase_if(windows_,
                  [&](const auto& kv) { return kv.second.start_ms + window_ms_ <= now_ms; });
  }
  Window& w = windows_.try_emplace(client, Window{now_ms, 0}).first->second;
  if (w.start_ms + window_ms_ <= now_ms) w = Window{now_ms, 0};
  if (w.count >= max_) {
    return static_cast<unsigned>((w.start_ms + window_ms_ - now_ms + 999) / 1000);
  }
  ++w.count;
  return 0;
}

}  // namespace dialcore::control::api
