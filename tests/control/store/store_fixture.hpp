#pragma once
// Opening a fresh SQLite store in a temporary directory, and sample records for store tests.

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "control/store/sqlite_store.hpp"
#include "tests/control/temp_dir.hpp"

namespace dialcore::test {

namespace store = dialcore::control::store;

inline const store::Actor kAdmin{"admin:test", 1'700'000'000'000};

inline std::unique_ptr<store::Store> open_store(const std::string& path,
                                                store::SqliteOptions options = {}) {
  options.path = path;
  options.synchronous_full = false;  // tests do not need power-loss durability; fewer fsyncs
  auto opened = store::open_sqlite_store(options);
  INFO((opened ? std::string() : opened.error().message));
  REQUIRE(opened.ok());
  return std::move(opened.value());
}

inline store::Agent sample_agent(const std::string& username) {
  store::Agent a;
  a.username = username;
  a.first_name = "Ada";
  a.last_name = "Lovelace";
  a.email = username + "@example.com";
  a.timezone = "Europe/London";
  a.cli = "442071234567";
  a.default_phone = "447700900123";
  a.password_hash = "$argon2id$fake";
  a.created_at_ms = 1'700'000'000'000;
  return a;
}

}  // namespace dialcore::test
