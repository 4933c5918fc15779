#pragma once
// Internal to control/store: the SQLite schema as numbered migrations. Applied at open, all
// pending ones in one transaction (all or nothing), each recorded in schema_migrations. A
// database whose newest migration is beyond this build's is refused (TooNew), never touched.

#include <cstdint>
#include <span>
#include <string_view>

#include "control/store/result.hpp"
#include "control/store/sip_ha1.hpp"
#include "control/store/sqlite_db.hpp"

namespace dialcore::control::store::sqlite {

struct Migration {
  std::int64_t version;
  std::string_view description;
  std::string_view sql;
};

std::span<const Migration> migrations();
std::int64_t latest_schema_version();

// Brings the database to target_version (default: the latest). Returns the version in force.
// `sip_realm` is the realm version 4 hashes existing SIP passwords with (config `sip.realm`).
Result<std::int64_t> migrate(Db& db, std::int64_t target_version = 0,
                             std::string_view sip_realm = kDefaultSipRealm);

}  // namespace dialcore::control::store::sqlite
