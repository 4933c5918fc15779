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

// Spreadsheet formula injection (CSV injection): a cell starting with '=', '+', '-', '@', TAB or
// CR is prefixed with a single quote so Excel/LibreOffice show it as text instead of running it.
// A cell that is a plain number ("+447700900123", "-5", "3.25") is left alone: it cannot carry
// a formula, and phone numbers and negative amounts must survive an export. Used by exports of
// data that callers or importers typed (CDRs, leads).
std::string neutralise_formula(std::string_view cell);
void append_safe_row(std::string& out, std::span<const std::string> fields);

// True when `text` is UTF-8 without NUL or other control bytes than TAB, CR and LF: what a CSV
// import accepts before parsing (a binary upload is refused as a whole).
bool is_text(std::string_view text);

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
