#include "control/agents/password.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace dialcore::control::agents {

namespace {

constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kDigits = "0123456789";

bool is_special(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }

char pick(std::string_view from) {
  return from[randombytes_uniform(static_cast<std::uint32_t>(from.size()))];
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

HashCost HashCost::minimum() {
  return HashCost{crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

std::vector<std::string> password_problems(const PasswordPolicy& policy, std::string_view password,
                                           std::string_view username) {
  std::vector<std::string> problems;
  if (password.size() < policy.min_length) {
    problems.push_back("must be at least " + std::to_string(policy.min_length) + " characters");
  }
  if (password.size() > policy.max_length) {
    problems.push_back("must be at most " + std::to_string(policy.max_length) + " characters");
  }
  bool has_lower = false, has_upper = false, has_digit = false, has_special = false,
       control = false;
  for (char c : password) {
    has_lower |= kLower.find(c) != std::string_view::npos;
    has_upper |= kUpper.find(c) != std::string_view::npos;
    has_digit |= kDigits.find(c) != std::string_view::npos;
    has_special |= is_special(c);
    control |= static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
  }
  if (policy.require_lower && !has_lower) problems.push_back("needs a lowercase letter");
  if (policy.require_upper && !has_upper) problems.push_back("needs an uppercase letter");
  if (policy.require_digit && !has_digit) problems.push_back("needs a digit");
  if (policy.require_special && !has_special)
    problems.push_back("needs a special character such as " + policy.generator_specials);
  if (control) problems.push_back("must not contain control characters");
  if (policy.reject_username && username.size() >= 3 &&
      lower(password).find(lower(username)) != std::string::npos) {
    problems.push_back("must not contain the username");
  }
  return problems;
}

std::string generate_password(const PasswordPolicy& policy) {
  if (sodium_init() < 0) return {};
  const std::size_t length = std::max(policy.min_length, policy.generated_length);
  std::string specials = policy.generator_specials.empty() ? "!" : policy.generator_specials;
  std::string all = std::string(kLower) + std::string(kUpper) + std::string(kDigits) + specials;
  std::string out;
  if (policy.require_lower) out.push_back(pick(kLower));
  if (policy.require_upper) out.push_back(pick(kUpper));
  if (policy.require_digit) out.push_back(pick(kDigits));
  if (policy.require_special) out.push_back(pick(specials));
  while (out.size() < length) out.push_back(pick(all));
  // Fisher-Yates with unbiased indices, so the required characters are not always first.
  for (std::size_t i = out.size() - 1; i > 0; --i) {
    std::swap(out[i], out[randombytes_uniform(static_cast<std::uint32_t>(i + 1))]);
  }
  return out;
}

std::optional<std::string> hash_password(std::string_view password, const HashCost& cost) {
  if (sodium_init() < 0) return std::nullopt;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.mem_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::nullopt;
  }
  return std::string(out);
}

bool verify_password(const std::string& stored_hash, std::string_view password) {
  if (stored_hash.empty() || sodium_init() < 0) return false;
  if (!stored_hash.starts_with("$argon2id$")) return false;
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& stored_hash, const HashCost& cost) {
  return crypto_pwhash_str_needs_rehash(stored_hash.c_str(), cost.ops, cost.mem_bytes) != 0;
}

}  // namespace dialcore::control::agents
