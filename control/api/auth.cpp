#include "control/api/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
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

std::string hex(const unsigned char* data, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

}  // namespace

std::string token_hash(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int n = 0;
  if (EVP_Digest(token.data(), token.size(), md.data(), &n, EVP_sha256(), nullptr) != 1) return {};
  return hex(md.data(), n);
}

std::optional<Principal> Auth::authenticate(std::string_view authorization, std::int64_t now_ms) {
  const std::string_view token = bearer(authorization);
  if (token.empty()) return std::nullopt;
  if (same(token, admin_token_)) return Principal{Role::Admin, "admin:token", 0};
  if (same(token, supervisor_token_)) return Principal{Role::Supervisor, "supervisor:token", 0};
  const std::string key = token_hash(token);
  const auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires_ms <= now_ms) {
    sessions_.erase(it);
    if (table_ != nullptr) count(table_->remove(key).ok());
    return std::nullopt;
  }
  return Principal{Role::Agent, "agent:" + it->second.username, it->second.agent_id};
}

std::string Auth::open_session(std::int64_t agent_id, const std::string& username,
                               std::int64_t now_ms) {
  std::array<unsigned char, 32> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) return {};
  const std::string token = "agt_" + hex(raw.data(), raw.size());
  const std::string key = token_hash(token);
  if (key.empty()) return {};
  // Expired sessions go when a new one opens, so the table stays bounded by live sessions (the
  // store's expired rows go at the next start).
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.expires_ms <= now_ms; });
  const Session session{agent_id, username, now_ms + session_ttl_ms_};
  sessions_[key] = session;
  if (table_ != nullptr) {
    count(table_->put(store::ApiSession{key, agent_id, username, session.expires_ms}).ok());
  }
  return token;
}

bool Auth::close_session(std::string_view authorization) {
  const std::string key = token_hash(bearer(authorization));
  if (sessions_.erase(key) == 0) return false;
  if (table_ != nullptr) count(table_->remove(key).ok());
  return true;
}

void Auth::close_agent_sessions(std::int64_t agent_id) {
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.agent_id == agent_id; });
  if (table_ != nullptr) count(table_->remove_agent(agent_id).ok());
}

void Auth::attach(store::SessionTable& table, std::int64_t now_ms) {
  table_ = &table;
  auto rows = table.live(now_ms);
  count(rows.ok());
  if (!rows) return;
  for (auto& r : *rows) {
    sessions_[r.token_hash] = Session{r.agent_id, std::move(r.username), r.expires_at_ms};
  }
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
