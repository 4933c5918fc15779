#include "control/sdp/crypto_attr.hpp"

#include <sofia-sip/base64.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace dialcore::control::sdp {
namespace {

struct SuiteRow {
  SrtpSuite suite;
  std::string_view name;
  std::size_t key_salt_bytes;
  unsigned max_lifetime_log2;
};

constexpr std::array<SuiteRow, 3> kSuites{{
    {SrtpSuite::AesCm128HmacSha1_80, "AES_CM_128_HMAC_SHA1_80", 30, 48},
    {SrtpSuite::AesCm128HmacSha1_32, "AES_CM_128_HMAC_SHA1_32", 30, 48},
    {SrtpSuite::AeadAes128Gcm, "AEAD_AES_128_GCM", 28, 32},
}};

const SuiteRow* row_of(SrtpSuite suite) {
  for (const auto& r : kSuites) {
    if (r.suite == suite) return &r;
  }
  return nullptr;
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Strict base64 (RFC 4648 alphabet, padding only at the end) decoded by sofia-sip's base64_d,
// which on its own skips characters outside the alphabet.
std::optional<std::size_t> decode_base64(std::string_view text, std::span<std::uint8_t> out) {
  std::string_view body = text;
  while (!body.empty() && body.back() == '=') body.remove_suffix(1);
  if (text.size() - body.size() > 2 || body.empty()) return std::nullopt;
  if (text.size() != body.size() && text.size() % 4 != 0) return std::nullopt;
  const bool alphabet = std::all_of(body.begin(), body.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
  });
  if (!alphabet || body.size() % 4 == 1) return std::nullopt;
  const std::size_t decoded = body.size() * 3 / 4;
  if (decoded > out.size()) return std::nullopt;
  std::string terminated(body);
  std::array<char, 64> buf{};
  const auto n = base64_d(buf.data(), static_cast<isize_t>(buf.size()), terminated.c_str());
  if (n < 0 || static_cast<std::size_t>(n) != decoded) return std::nullopt;
  std::copy_n(buf.begin(), decoded, reinterpret_cast<char*>(out.data()));
  return decoded;
}

// "2^31" or "2147483648": the number of packets, or nullopt when malformed.
std::optional<std::uint64_t> parse_lifetime(std::string_view s) {
  if (s.starts_with("2^")) {
    const auto exp = parse_u64(s.substr(2));
    if (!exp || *exp > 63) return std::nullopt;
    return std::uint64_t{1} << *exp;
  }
  return parse_u64(s);
}

CryptoParseResult refuse(std::string why) { return {std::nullopt, std::move(why)}; }

}  // namespace

std::size_t key_salt_bytes(SrtpSuite suite) {
  const SuiteRow* r = row_of(suite);
  return r != nullptr ? r->key_salt_bytes : 0;
}

std::string_view suite_name(SrtpSuite suite) {
  const SuiteRow* r = row_of(suite);
  return r != nullptr ? r->name : "NONE";
}

std::optional<SrtpSuite> suite_from_name(std::string_view name) {
  for (const auto& r : kSuites) {
    if (r.name == name) return r.suite;
  }
  return std::nullopt;
}

CryptoParseResult parse_crypto(std::string_view value) {
  // tag SP suite SP key-params [SP session-params]
  const auto sp1 = value.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : value.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return refuse("a=crypto: missing suite or key parameters");
  const std::string_view tag_text = value.substr(0, sp1);
  const std::string_view suite_text = value.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view rest = value.substr(sp2 + 1);
  const auto sp3 = rest.find(' ');
  if (sp3 != std::string_view::npos) {
    return refuse("a=crypto: session parameter '" + std::string(rest.substr(sp3 + 1)) +
                  "' not supported");
  }
  const auto tag = parse_u64(tag_text);
  if (!tag || tag_text.size() > 9)
    return refuse("a=crypto: bad tag '" + std::string(tag_text) + "'");
  const auto suite = suite_from_name(suite_text);
  if (!suite) return refuse("a=crypto: suite " + std::string(suite_text) + " not supported");
  if (rest.find(';') != std::string_view::npos)
    return refuse("a=crypto: several keys not supported");
  if (!rest.starts_with("inline:")) return refuse("a=crypto: key method is not inline");
  rest.remove_prefix(7);

  const SuiteRow& row = *row_of(*suite);
  CryptoAttr attr;
  attr.tag = static_cast<std::uint32_t>(*tag);
  attr.key.suite = *suite;
  const auto bar = rest.find('|');
  std::array<std::uint8_t, kMaxKeySaltBytes> bytes{};
  const auto n = decode_base64(rest.substr(0, bar), bytes);
  if (!n) return refuse("a=crypto: key is not valid base64");
  if (*n != row.key_salt_bytes) {
    return refuse("a=crypto: " + std::string(row.name) + " key||salt is " + std::to_string(*n) +
                  " bytes, must be " + std::to_string(row.key_salt_bytes));
  }
  std::copy_n(bytes.begin(), kMasterKeyBytes, attr.key.master_key.begin());
  std::copy_n(bytes.begin() + kMasterKeyBytes, *n - kMasterKeyBytes, attr.key.master_salt.begin());

  if (bar != std::string_view::npos) {
    std::string_view extra = rest.substr(bar + 1);
    const auto bar2 = extra.find('|');
    const std::string_view first = extra.substr(0, bar2);
    // RFC 4568 9.1: "|lifetime|MKI:len", either optional; an MKI is the field with a colon.
    if (bar2 != std::string_view::npos || first.find(':') != std::string_view::npos) {
      return refuse("a=crypto: MKI not supported");
    }
    const auto life = parse_lifetime(first);
    if (!life) return refuse("a=crypto: bad lifetime '" + std::string(first) + "'");
    if (*life > (std::uint64_t{1} << row.max_lifetime_log2) || *life < (std::uint64_t{1} << 20)) {
      return refuse("a=crypto: lifetime " + std::string(first) + " outside 2^20..2^" +
                    std::to_string(row.max_lifetime_log2));
    }
    attr.lifetime_packets = *life;
  }
  return {attr, {}};
}

std::string format_crypto(std::uint32_t tag, const SrtpKey& key) {
  const std::size_t n = key_salt_bytes(key.suite);
  std::array<std::uint8_t, kMaxKeySaltBytes> bytes{};
  std::copy(key.master_key.begin(), key.master_key.end(), bytes.begin());
  std::copy_n(key.master_salt.begin(), n - kMasterKeyBytes, bytes.begin() + kMasterKeyBytes);
  std::array<char, 64> b64{};
  base64_e(b64.data(), static_cast<isize_t>(b64.size()), bytes.data(), static_cast<isize_t>(n));
  return std::to_string(tag) + " " + std::string(suite_name(key.suite)) + " inline:" + b64.data();
}

std::optional<SrtpKey> make_key(SrtpSuite suite, std::span<const std::uint8_t> random_bytes) {
  const std::size_t n = key_salt_bytes(suite);
  if (n == 0 || random_bytes.size() < n) return std::nullopt;
  SrtpKey key;
  key.suite = suite;
  std::copy_n(random_bytes.begin(), kMasterKeyBytes, key.master_key.begin());
  std::copy_n(random_bytes.begin() + kMasterKeyBytes, n - kMasterKeyBytes, key.master_salt.begin());
  return key;
}

}  // namespace dialcore::control::sdp
