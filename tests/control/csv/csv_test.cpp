// RFC 4180: quoting on write, and a parser that reads back what we write plus what spreadsheets
// produce (LF endings, BOM), with the line of a malformed record.
#include <catch2/catch.hpp>

#include <string>
#include <variant>
#include <vector>

#include "control/csv/csv.hpp"

using namespace dialcore::control::csv;

namespace {

std::vector<Record> parsed(std::string_view text) {
  auto r = parse(text);
  REQUIRE(std::holds_alternative<std::vector<Record>>(r));
  return std::get<std::vector<Record>>(r);
}

}  // namespace

TEST_CASE("fields with commas, quotes, line breaks and edge spaces are quoted and read back") {
  const std::vector<std::string> row = {"plain", "a,b", "say \"hi\"", "two\r\nlines",
                                        " pad ", "",    "ünï"};
  std::string text;
  append_row(text, row);
  append_row(text, row);
  CHECK(text.starts_with("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",\" pad \",,"));
  CHECK(text.ends_with("\r\n"));
  const auto records = parsed(text);
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == row);
  CHECK(records[1].fields == row);
  CHECK(records[0].line == 1);
  CHECK(records[1].line == 3);  // the first record spans two lines
}

TEST_CASE("LF endings, a BOM, blank lines and a missing final newline are accepted") {
  const auto records = parsed("\xEF\xBB\xBFh1,h2\n\nx,y\nlast,\"q\"");
  REQUIRE(records.size() == 3);
  CHECK(records[0].fields == std::vector<std::string>{"h1", "h2"});
  CHECK(records[1].fields == std::vector<std::string>{"x", "y"});
  CHECK(records[1].line == 3);
  CHECK(records[2].fields == std::vector<std::string>{"last", "q"});
  CHECK(parsed("a,\r\n")[0].fields == std::vector<std::string>{"a", ""});
}

TEST_CASE("malformed CSV names its line") {
  auto bad = [](std::string_view text) {
    auto r = parse(text);
    REQUIRE(std::holds_alternative<ParseError>(r));
    return std::get<ParseError>(r);
  };
  CHECK(bad("a,b\nc,\"open\n").line == 2);
  CHECK(bad("a,b\nc,d\"e\n").line == 2);
  CHECK(bad("ok\n\"x\"y,z\n").line == 2);
  CHECK_FALSE(bad("\"never closed").message.empty());
}

TEST_CASE("formula-looking cells are neutralised, plain numbers are not") {
  using dialcore::control::csv::neutralise_formula;
  CHECK(neutralise_formula("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")");
  CHECK(neutralise_formula("@SUM(A1)") == "'@SUM(A1)");
  CHECK(neutralise_formula("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0");
  CHECK(neutralise_formula("-2+3") == "'-2+3");
  CHECK(neutralise_formula("\tx") == "'\tx");
  CHECK(neutralise_formula("+447700900123") == "+447700900123");
  CHECK(neutralise_formula("-5") == "-5");
  CHECK(neutralise_formula("3.25") == "3.25");
  CHECK(neutralise_formula("Smith") == "Smith");
  CHECK(neutralise_formula("") == "");
  std::string out;
  const std::vector<std::string> row{"=1+1", "a,b"};
  dialcore::control::csv::append_safe_row(out, row);
  CHECK(out == "'=1+1,\"a,b\"\r\n");
}

TEST_CASE("binary is not text, UTF-8 with CR, LF and TAB is") {
  using dialcore::control::csv::is_text;
  CHECK(is_text("name,phone\r\nZoë,+44\t1\n"));
  CHECK_FALSE(is_text(std::string("a\0b", 3)));
  CHECK_FALSE(is_text("\x89PNG\r\n\x1a\n"));
  CHECK_FALSE(is_text("caf\xe9"));   // Latin-1, not UTF-8
  CHECK_FALSE(is_text("\xe2\x82"));  // truncated
}
