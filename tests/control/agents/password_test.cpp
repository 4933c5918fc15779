// Password policy, generator and argon2id hashing.
#include <catch2/catch.hpp>

#include <set>

#include "control/agents/password.hpp"

using namespace dialcore::control::agents;

TEST_CASE("the default policy is seed 002's: 8+ characters, lower, upper, digit, special") {
  PasswordPolicy p;
  CHECK(password_problems(p, "Abcdef1!", "mary").empty());
  CHECK(password_problems(p, "Abcde1!", "mary").size() == 1);     // 7 characters
  CHECK(password_problems(p, "abcdef1!", "mary").size() == 1);    // no uppercase
  CHECK(password_problems(p, "ABCDEF1!", "mary").size() == 1);    // no lowercase
  CHECK(password_problems(p, "Abcdefg!", "mary").size() == 1);    // no digit
  CHECK(password_problems(p, "Abcdefg1", "mary").size() == 1);    // no special
  CHECK(password_problems(p, "xMARY1!yz", "mary").size() == 1);   // contains the username
  CHECK(password_problems(p, "Abc\tdef1!", "mary").size() == 1);  // control character
  CHECK(password_problems(p, "", "mary").size() == 5);
  PasswordPolicy relaxed;
  relaxed.min_length = 4;
  relaxed.require_special = relaxed.require_upper = false;
  CHECK(password_problems(relaxed, "abc1", "mary").empty());
}

TEST_CASE("generated passwords satisfy the policy they are generated for, and differ") {
  PasswordPolicy p;
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const auto pw = generate_password(p);
    CHECK(pw.size() == 16);
    CHECK(password_problems(p, pw, "someone").empty());
    seen.insert(pw);
  }
  CHECK(seen.size() == 200);
  PasswordPolicy longer;
  longer.min_length = 24;
  longer.generator_specials = "#";
  const auto pw = generate_password(longer);
  CHECK(pw.size() == 24);
  CHECK(pw.find('#') != std::string::npos);
  CHECK(password_problems(longer, pw, "someone").empty());
}

TEST_CASE("argon2id hashes verify, are salted, and report stale parameters") {
  const auto cost = HashCost::minimum();
  const auto h1 = hash_password("Correct horse 1!", cost);
  const auto h2 = hash_password("Correct horse 1!", cost);
  REQUIRE(h1);
  REQUIRE(h2);
  CHECK(h1->starts_with("$argon2id$"));
  CHECK(*h1 != *h2);  // a fresh salt each time
  CHECK(verify_password(*h1, "Correct horse 1!"));
  CHECK_FALSE(verify_password(*h1, "Correct horse 1?"));
  CHECK_FALSE(verify_password("", ""));
  CHECK_FALSE(verify_password("$2y$10$bcryptlooking", "x"));
  CHECK_FALSE(needs_rehash(*h1, cost));
  CHECK(needs_rehash(*h1, HashCost{3, cost.mem_bytes}));
}
