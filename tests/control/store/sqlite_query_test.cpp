// Queries: literal matching of user text (SQL-looking strings, LIKE wildcards), bad queries as
// Invalid, ordering and paging.
#include <catch2/catch.hpp>

#include <string>

#include "tests/control/store/store_fixture.hpp"

using namespace dialcore::control::store;
using dialcore::test::kAdmin;
using dialcore::test::open_store;
using dialcore::test::sample_agent;
using dialcore::test::TempDir;

namespace {

std::vector<std::string> usernames(Store& store, const Query& q) {
  auto found = store.agents().list(q);
  INFO((found ? std::string() : found.error().message));
  REQUIRE(found.ok());
  std::vector<std::string> out;
  for (const auto& a : *found) out.push_back(a.username);
  return out;
}

Query contains(std::string field, std::string text) {
  Query q;
  q.all.push_back({std::move(field), Match::Contains, std::move(text)});
  return q;
}

}  // namespace

TEST_CASE("SQL-looking search strings are plain text and change nothing") {
  TempDir dir;
  auto store = open_store(dir.file("dialcore.db"));
  for (const char* name :
       {"alice", "o'brien", "50%off", "a_b", "axb", "back\\slash", "x'); DROP TABLE agents; --"}) {
    Agent a = sample_agent(name);
    REQUIRE(store->agents().create(a, kAdmin).ok());
  }
  for (const char* attack : {"' OR '1'='1", "'; DROP TABLE agents; --", "\" OR 1=1 --",
                             "%' UNION SELECT password_hash FROM agents --", "\x01\x02"}) {
    CAPTURE(attack);
    CHECK(usernames(*store, contains("username", attack)).empty());
    CHECK(usernames(*store, contains("first_name", attack)).empty());
    Query eq;
    eq.all.push_back({"username", Match::Equals, std::string(attack)});
    CHECK(usernames(*store, eq).empty());
  }
  CHECK(*store->agents().count({}) == 7);
  CHECK(store->check_integrity().ok());

  // Wildcards typed by a user match themselves only.
  CHECK(usernames(*store, contains("username", "%")) == std::vector<std::string>{"50%off"});
  CHECK(usernames(*store, contains("username", "_")) == std::vector<std::string>{"a_b"});
  CHECK(usernames(*store, contains("username", "\\")) == std::vector<std::string>{"back\\slash"});
  CHECK(usernames(*store, contains("username", "o'b")) == std::vector<std::string>{"o'brien"});
  CHECK(usernames(*store, contains("username", "DROP TABLE")) ==
        std::vector<std::string>{"x'); DROP TABLE agents; --"});
}

TEST_CASE("quick search: id digits or username part, case-insensitive") {
  TempDir dir;
  auto store = open_store(dir.file("dialcore.db"));
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 12; ++i) {
    Agent a = sample_agent("user" + std::to_string(i));
    a.first_name = i % 2 ? "Grace" : "Alan";
    a.login_enabled = i < 10;
    REQUIRE(store->agents().create(a, kAdmin).ok());
    ids.push_back(a.id);
  }
  Query q;
  q.any.push_back({"id", Match::Prefix, std::string("1")});
  q.any.push_back({"username", Match::Contains, std::string("R1")});
  // ids 1, 10, 11, 12 start with "1"; user1, user10, user11 contain "r1".
  const auto found = usernames(*store, q);
  CHECK(found == std::vector<std::string>{"user0", "user1", "user9", "user10", "user11"});

  Query filtered;
  filtered.all.push_back({"first_name", Match::Prefix, std::string("gr")});
  filtered.all.push_back({"login_enabled", Match::Equals, true});
  filtered.order_by = "username";
  filtered.descending = true;
  filtered.limit = 2;
  filtered.offset = 1;
  // Grace: user1,3,5,7,9 (enabled, 11 is not); by name descending: user9, user7, user5...
  CHECK(usernames(*store, filtered) == std::vector<std::string>{"user7", "user5"});
  CHECK(*store->agents().count(filtered) == 5);
}

TEST_CASE("malformed queries are Invalid, not SQL") {
  TempDir dir;
  auto store = open_store(dir.file("dialcore.db"));
  auto code = [&](Query q) { return store->agents().list(q).code(); };
  CHECK(code(contains("username; DROP TABLE agents", "x")) == Errc::Invalid);
  CHECK(code(contains("password_hash", "$argon2")) == Errc::Invalid);  // secrets are not searchable
  Query wrong_type;
  wrong_type.all.push_back({"failed_attempts", Match::Equals, std::string("3")});
  CHECK(code(wrong_type) == Errc::Invalid);
  Query order;
  order.order_by = "username DESC; --";
  CHECK(code(order) == Errc::Invalid);
  Query limit;
  limit.limit = 0;
  CHECK(code(limit) == Errc::Invalid);
  Query null_on_text;
  null_on_text.all.push_back({"username", Match::IsNull, std::int64_t{0}});
  CHECK(code(null_on_text) == Errc::Invalid);
}
