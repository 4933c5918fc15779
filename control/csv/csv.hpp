#pragma once
// RFC 4180 CSV: rows written with CRLF and fields quoted when they hold a comma, quote, CR, LF
// or edge spaces; a parser that accepts CRLF or LF, quoted fields with "" and embedded line
// breaks, a UTF-8 byte-order mark, and reports the line of the first malformed record.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace dialcore::control::csv {

std::string quote(std::string_view field);
void append_row(std::string& out, std::span<const std::string> fields);

struct Record {
  std::size_t line = 0;  // 1-based line on which the record starts
  std::vector<std::string> fields;
};

struct ParseError {
  std::size_t line = 0;
  std::string message;
};

// Blank lines are skipped. Fails on a quote inside an unquoted field, text after a closing
// quote, or a quoted field left open at the end.
std::variant<std::vector<Record>, ParseError> parse(std::string_view text);

}  // namespace dialcore::control::csv
