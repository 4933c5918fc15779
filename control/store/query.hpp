#pragma once
// A backend-neutral query: conditions on a record's declared fields (never raw SQL). Field names
// are checked against the record's field table, values are always bound parameters, and text
// matches are literal (a '%' or '_' typed by a user matches itself) and case-insensitive (ASCII).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace dialcore::control::store {

enum class Match {
  Equals,    // exact (text: case-insensitive)
  Prefix,    // starts with (on an integer field: its decimal digits, "Agent ID first digits")
  Contains,  // anywhere (same)
  Less,      // <  (integers)
  AtLeast,   // >= (integers)
  IsNull,    // optional field empty (value ignored)
};

using Value = std::variant<std::int64_t, std::string, bool>;

struct Condition {
  std::string field;  // "id" or a declared field; secret fields are refused
  Match match = Match::Equals;
  Value value;
};

struct Query {
  std::vector<Condition> all;  // every one must hold (AND)
  std::vector<Condition> any;  // if not empty, at least one must hold (OR)
  std::string order_by = "id";
  bool descending = false;
  std::int64_t limit = 100;  // 1..10000
  std::int64_t offset = 0;
};

}  // namespace dialcore::control::store
