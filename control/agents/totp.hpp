#pragma once
// TOTP (RFC 6238) over HOTP (RFC 4226): HMAC-SHA1/256/512 from OpenSSL's libcrypto (libsodium
// has no HMAC-SHA1, which every authenticator app uses by default), base32 secrets (RFC 4648),
// a +/-window of time steps, and replay refusal: a step at or before the last accepted one is
// never accepted again.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dialcore::control::agents {

enum class TotpHash { Sha1, Sha256, Sha512 };

struct TotpParams {
  TotpHash hash = TotpHash::Sha1;
  int digits = 6;
  std::int64_t period_s = 30;
  int window_steps = 1;  // accept codes of the steps t-1, t, t+1 (clock drift, typing time)
};

std::string base32_encode(std::span<const std::uint8_t> bytes, bool pad = false);
// Case-insensitive; spaces, hyphens and '=' padding ignored; nullopt on any other character.
std::optional<std::vector<std::uint8_t>> base32_decode(std::string_view text);

// The RFC 4226 truncated value, `digits` long (6..8), for a counter.
std::uint32_t hotp(std::span<const std::uint8_t> key, std::uint64_t counter, int digits,
                   TotpHash hash);
// The code for a Unix time, zero-padded.
std::string totp_code(std::span<const std::uint8_t> key, std::int64_t unix_s, const TotpParams& p);

// The time step the code matches, within the window and after last_step; nullopt otherwise.
std::optional<std::int64_t> totp_verify(std::span<const std::uint8_t> key, std::string_view code,
                                        std::int64_t now_ms, std::int64_t last_step,
                                        const TotpParams& p);

// A new 160-bit secret (RFC 4226's recommended length), base32 without padding.
std::string new_totp_secret();
// otpauth://totp/Issuer:account?secret=...&issuer=...&algorithm=...&digits=...&period=...
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32, const TotpParams& p);

}  // namespace dialcore::control::agents
