#pragma once
// A tolerant fmtp tokenizer: "a=1; b=two;c" -> (a,1) (b,two) (c,""). No allocation.

#include <optional>
#include <string_view>

namespace dialcore::codecs {

struct FmtpParam {
  std::string_view key;
  std::string_view value;
};

class FmtpReader {
 public:
  explicit FmtpReader(std::string_view text) : rest_(text) {}
  // The next parameter, or nullopt at the end. Keys and values come trimmed of blanks.
  std::optional<FmtpParam> next();

 private:
  std::string_view rest_;
};

bool iequals(std::string_view a, std::string_view b);
// Strict unsigned decimal parse; nullopt on anything else (sign, blanks, overflow, empty).
std::optional<std::uint32_t> parse_u32(std::string_view s);

}  // namespace dialcore::codecs
