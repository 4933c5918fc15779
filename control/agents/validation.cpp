#include "control/agents/validation.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

namespace dialcore::control::agents {

namespace {

bool ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Decodes one UTF-8 code point at text[i], advancing i; nullopt on a malformed, overlong or
// surrogate sequence.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return static_cast<char32_t>(text[i++]);
  int extra = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1;
    cp = lead & 0x1F;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
    cp = lead & 0x0F;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3;
    cp = lead & 0x07;
    min = 0x10000;
  } else
    return std::nullopt;
  if (i + static_cast<std::size_t>(extra) >= text.size()) return std::nullopt;
  for (int k = 1; k <= extra; ++k) {
    const unsigned char c = byte(i + static_cast<std::size_t>(k));
    if ((c & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

// Letters of the scripts agents' names are written in (no ICU here): Latin-1 and Latin
// Extended letters, Greek, Cyrillic, Armenian, Hebrew, Arabic, Indic scripts, Thai, Latin
// Extended Additional (Vietnamese), kana, CJK ideographs, Hangul.
bool non_ascii_letter(char32_t cp) {
  if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;
  if (cp >= 0x370 && cp <= 0x52F) return cp != 0x37E && cp != 0x387;
  return (cp >= 0x531 && cp <= 0x587) || (cp >= 0x5D0 && cp <= 0x5EA) ||
         (cp >= 0x620 && cp <= 0x64A) || (cp >= 0x671 && cp <= 0x6D3) ||
         (cp >= 0x900 && cp <= 0xDFF) || (cp >= 0xE01 && cp <= 0xE4E) ||
         (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x3041 && cp <= 0x30FF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3);
}

bool email_local_char(char c) {
  return ascii_alnum(c) ||
         std::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

bool phone_required(const store::Agent& a) {
  return a.connection_mode == store::ConnectionMode::CallMe;
}

}  // namespace

std::string check_username(std::string_view username) {
  if (username.size() < 2 || username.size() > 64) return "must be 2 to 64 characters";
  for (char c : username) {
    if (!ascii_alnum(c) && std::string_view("!@#$%^\\&_.").find(c) == std::string_view::npos) {
      return "may contain only letters, digits and ! @ # $ % ^ \\ & _ .";
    }
  }
  return {};
}

std::string check_person_name(std::string_view name) {
  if (name.empty()) return "is required";
  if (name.front() == ' ' || name.back() == ' ') return "must not start or end with a space";
  std::size_t i = 0;
  std::size_t count = 0;
  while (i < name.size()) {
    auto cp = next_code_point(name, i);
    if (!cp) return "is not valid UTF-8";
    ++count;
    const bool ok = (*cp < 0x80 && (ascii_alnum(static_cast<char>(*cp)) || *cp == ' ' ||
                                    *cp == '\'' || *cp == '-')) ||
                    *cp == 0x2019 /* right single quotation mark, a typographic apostrophe */ ||
                    non_ascii_letter(*cp);
    if (!ok) return "may contain only letters, digits, spaces, apostrophes and hyphens";
  }
  if (count > 50) return "must be at most 50 characters";
  return {};
}

std::string check_email(std::string_view email) {
  if (email.empty()) return {};
  if (email.size() > 254) return "is too long";
  const auto at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return "must contain exactly one @";
  }
  const auto local = email.substr(0, at);
  const auto domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return "has an invalid part before @";
  }
  for (char c : local) {
    if (c != '.' && !email_local_char(c)) return "has an invalid character before @";
  }
  std::size_t labels = 0;
  std::string_view last;
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const auto label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return "has an invalid domain";
    }
    for (char c : label) {
      if (!ascii_alnum(c) && c != '-') return "has an invalid domain";
    }
    ++labels;
    last = label;
    start = end + 1;
  }
  if (labels < 2 || last.size() < 2) return "needs a domain such as example.com";
  for (char c : last) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
      return "has an invalid top-level domain";
  }
  return {};
}

std::string check_timezone(std::string_view name, const std::string& zoneinfo_dir) {
  if (name.empty()) return {};
  if (name.size() > 64 || name.front() == '/' || name.back() == '/')
    return "is not an IANA time zone";
  for (char c : name) {
    if (!ascii_alnum(c) && std::string_view("/_+-").find(c) == std::string_view::npos) {
      return "is not an IANA time zone";
    }
  }
  // No "." or ".." component can appear: '.' is not an accepted character. The posix/ and
  // right/ trees are copies for other purposes, not zone names.
  if (name.starts_with("posix/") || name.starts_with("right/")) return "is not an IANA time zone";
  const std::filesystem::path path = std::filesystem::path(zoneinfo_dir) / std::string(name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return "is not a known IANA time zone";
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  if (!in || std::string_view(magic, 4) != "TZif") return "is not a known IANA time zone";
  return {};
}

std::string check_phone_digits(std::string_view number) {
  if (number.empty()) return {};
  if (number.front() == '+') number.remove_prefix(1);
  if (number.size() < 4 || number.size() > 15) return "must be 4 to 15 digits, optionally after +";
  for (char c : number) {
    if (c < '0' || c > '9') return "must be digits only, optionally after +";
  }
  return {};
}

std::vector<FieldError> validate_profile(const store::Agent& a, const ValidationRules& rules) {
  std::vector<FieldError> errors;
  auto add = [&](const char* field, std::string message) {
    if (!message.empty()) errors.push_back({field, std::move(message)});
  };
  add("username", check_username(a.username));
  add("first_name", check_person_name(a.first_name));
  add("last_name", check_person_name(a.last_name));
  add("email", check_email(a.email));
  if (a.alias.size() > 64) add("alias", "must be at most 64 characters");
  for (char c : a.alias) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      add("alias", "must not contain control characters");
      break;
    }
  }
  add("timezone", check_timezone(a.timezone, rules.zoneinfo_dir));
  add("cli", check_phone_digits(a.cli));
  add("default_phone", check_phone_digits(a.default_phone));
  if (phone_required(a) && a.default_phone.empty()) {
    add("default_phone", "is required when the connection mode is call_me");
  }
  if (!a.sip_username.empty()) {
    for (char c : a.sip_username) {
      if (!ascii_alnum(c) && std::string_view("._-").find(c) == std::string_view::npos) {
        add("sip_username", "may contain only letters, digits and . _ -");
        break;
      }
    }
  }
  if (rules.require_team && a.teams.empty()) add("teams", "at least one team is required");
  std::set<std::int64_t> campaigns;
  for (const auto& c : a.campaigns) {
    if (!campaigns.insert(c.campaign_id).second) {
      add("campaigns", "campaign " + std::to_string(c.campaign_id) + " is assigned twice");
    }
  }
  return errors;
}

}  // namespace dialcore::control::agents
