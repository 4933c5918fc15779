#include "control/csv/csv.hpp"

namespace dialcore::control::csv {

std::string quote(std::string_view field) {
  const bool needs = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!needs) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void append_row(std::string& out, std::span<const std::string> fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append(quote(fields[i]));
  }
  out.append("\r\n");
}

namespace {
bool plain_number(std::string_view s) {
  std::size_t i = (s.front() == '+' || s.front() == '-') ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digits = true;
    } else if (s[i] == '.' && !dot && digits) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits && s.back() != '.';
}
}  // namespace

std::string neutralise_formula(std::string_view cell) {
  if (cell.empty()) return {};
  const char c = cell.front();
  const bool risky = c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
  if (!risky || plain_number(cell)) return std::string(cell);
  std::string out(1, '\'');
  out.append(cell);
  return out;
}

void append_safe_row(std::string& out, std::span<const std::string> fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append(quote(neutralise_formula(fields[i])));
  }
  out.append("\r\n");
}

bool is_text(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      if (b == 0x7f || (b < 0x20 && b != '\t' && b != '\r' && b != '\n')) return false;
      ++i;
      continue;
    }
    std::size_t len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    if (len == 0 || b > 0xf4 || i + len > text.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

std::variant<std::vector<Record>, ParseError> parse(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<Record> records;
  Record current;
  std::string field;
  std::size_t line = 1;
  std::size_t i = 0;
  bool at_field_start = true;
  current.line = 1;
  auto end_record = [&] {
    current.fields.push_back(std::move(field));
    field.clear();
    const bool blank = current.fields.size() == 1 && current.fields[0].empty();
    if (!blank) records.push_back(std::move(current));
    current = Record{};
    at_field_start = true;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (at_field_start && c == '"') {
      // Quoted field: runs to the closing quote; "" is a quote; line breaks are data.
      const std::size_t start_line = line;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        field.push_back(text[i++]);
      }
      if (!closed) return ParseError{start_line, "quoted field is not closed"};
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        return ParseError{line, "text after a closing quote"};
      }
      at_field_start = false;
      continue;
    }
    if (c == ',') {
      current.fields.push_back(std::move(field));
      field.clear();
      at_field_start = true;
      ++i;
    } else if (c == '\r' || c == '\n') {
      if (current.fields.empty() && field.empty()) current.line = line;
      end_record();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      ++line;
      current.line = line;
    } else if (c == '"') {
      return ParseError{line, "quote inside an unquoted field"};
    } else {
      field.push_back(c);
      at_field_start = false;
      ++i;
    }
  }
  if (!current.fields.empty() || !field.empty() || !at_field_start) end_record();
  return records;
}

}  // namespace dialcore::control::csv
