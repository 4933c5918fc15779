#pragma once
// Passwords: a configurable policy (length and character classes; the defaults are seed 002's
// "at least 8 characters, one lowercase, one uppercase, one digit, one special"), a generator
// whose output always satisfies the policy, and argon2id hashing through libsodium.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dialcore::control::agents {

struct PasswordPolicy {
  std::size_t min_length = 8;
  std::size_t max_length = 128;
  bool require_lower = true;
  bool require_upper = true;
  bool require_digit = true;
  bool require_special = true;  // any ASCII punctuation counts
  bool reject_username = true;  // the password may not contain the username (any case)
  std::string generator_specials = "~!@#$%^&-_=+[{]}.";  // seed 002's list
  std::size_t generated_length = 16;
};

// Problems with a candidate password, each a sentence; empty when it complies.
std::vector<std::string> password_problems(const PasswordPolicy& policy, std::string_view password,
                                           std::string_view username);

// Random (libsodium's CSPRNG, unbiased picks), compliant with the policy, at least
// max(min_length, generated_length) long and at least one of each required class.
std::string generate_password(const PasswordPolicy& policy);

// argon2id cost. Default: OWASP's Password Storage Cheat Sheet minimum for argon2id (19 MiB,
// 2 passes, 1 lane). Measured on the 2-core development machine under load (load average ~8,
// other builds running), median of 7 hashes: 106 ms at this default, 418 ms at libsodium's
// "interactive" 64 MiB (one-off program timing crypto_pwhash_str_alg with steady_clock).
// Verification costs the same as hashing, so a login holds its thread that long: the API must
// call login/change_password off the io_context thread or accept the stall. Tests use minimum().
struct HashCost {
  std::uint64_t ops = 2;
  std::size_t mem_bytes = 19u << 20;
  static HashCost minimum();
};

// The encoded argon2id string ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"); nullopt when
// memory for the hash cannot be had.
std::optional<std::string> hash_password(std::string_view password, const HashCost& cost);
// Constant-time; false for an empty or malformed stored hash.
bool verify_password(const std::string& stored_hash, std::string_view password);
// True when the stored hash was made with other parameters (rehash at the next good login).
bool needs_rehash(const std::string& stored_hash, const HashCost& cost);

}  // namespace dialcore::control::agents
