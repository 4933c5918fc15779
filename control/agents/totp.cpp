#include "control/agents/totp.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace dialcore::control::agents {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const EVP_MD* digest(TotpHash h) {
  switch (h) {
    case TotpHash::Sha256: return EVP_sha256();
    case TotpHash::Sha512: return EVP_sha512();
    case TotpHash::Sha1: break;
  }
  return EVP_sha1();
}

std::uint32_t pow10(int digits) {
  std::uint32_t p = 1;
  for (int i = 0; i < digits; ++i) p *= 10;
  return p;
}

std::string zero_padded(std::uint32_t value, int digits) {
  std::string s = std::to_string(value);
  return std::string(static_cast<std::size_t>(digits) -
                         std::min(s.size(), static_cast<std::size_t>(digits)),
                     '0') +
         s;
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      constexpr char kHex[] = "0123456789ABCDEF";
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string base32_encode(std::span<const std::uint8_t> bytes, bool pad) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (auto b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  if (pad) {
    while (out.size() % 8 != 0) out.push_back('=');
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> base32_decode(std::string_view text) {
  std::vector<std::uint8_t> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ' || c == '-' || c == '=') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const auto v = kAlphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::uint32_t hotp(std::span<const std::uint8_t> key, std::uint64_t counter, int digits,
                   TotpHash hash) {
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  if (HMAC(digest(hash), key.data(), static_cast<int>(key.size()), message.data(), message.size(),
           mac.data(), &mac_len) == nullptr) {
    return 0;
  }
  // RFC 4226 5.3 dynamic truncation: the low nibble of the last byte picks 4 bytes.
  const unsigned offset = mac[mac_len - 1] & 0x0F;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac[offset + 3]);
  return binary % pow10(digits);
}

std::string totp_code(std::span<const std::uint8_t> key, std::int64_t unix_s, const TotpParams& p) {
  const auto step = static_cast<std::uint64_t>(unix_s / p.period_s);
  return zero_padded(hotp(key, step, p.digits, p.hash), p.digits);
}

std::optional<std::int64_t> totp_verify(std::span<const std::uint8_t> key, std::string_view code,
                                        std::int64_t now_ms, std::int64_t last_step,
                                        const TotpParams& p) {
  if (code.size() != static_cast<std::size_t>(p.digits) || key.empty()) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const std::int64_t now_step = now_ms / 1000 / p.period_s;
  std::optional<std::int64_t> matched;
  // Every step of the window is computed and compared in constant time, so the time taken
  // does not say which step matched.
  for (std::int64_t step = now_step - p.window_steps; step <= now_step + p.window_steps; ++step) {
    if (step < 0) continue;
    const std::string expected =
        zero_padded(hotp(key, static_cast<std::uint64_t>(step), p.digits, p.hash), p.digits);
    if (CRYPTO_memcmp(expected.data(), code.data(), code.size()) == 0 && step > last_step &&
        !matched) {
      matched = step;
    }
  }
  return matched;
}

std::string new_totp_secret() {
  std::array<std::uint8_t, 20> key{};
  if (sodium_init() < 0) return {};
  randombytes_buf(key.data(), key.size());
  return base32_encode(key);
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32, const TotpParams& p) {
  const char* algorithm = p.hash == TotpHash::Sha1     ? "SHA1"
                          : p.hash == TotpHash::Sha256 ? "SHA256"
                                                       : "SHA512";
  return "otpauth://totp/" + percent_encode(issuer) + ":" + percent_encode(account) +
         "?secret=" + std::string(secret_base32) + "&issuer=" + percent_encode(issuer) +
         "&algorithm=" + algorithm + "&digits=" + std::to_string(p.digits) +
         "&period=" + std::to_string(p.period_s);
}

}  // namespace dialcore::control::agents
