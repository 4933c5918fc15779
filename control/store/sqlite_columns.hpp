#pragma once
// Internal to control/store: moving record fields in and out of SQLite statements, and the
// column list a query builder may name.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "control/store/field.hpp"
#include "control/store/query.hpp"
#include "control/store/result.hpp"
#include "control/store/sqlite_db.hpp"

namespace dialcore::control::store::sqlite {

enum class ColumnClass { Integer, OptionalInteger, Boolean, Text };

struct ColumnInfo {
  std::string_view name;
  ColumnClass cls;
  FieldKind kind;
};

template <class M>
constexpr ColumnClass column_class() {
  if constexpr (std::is_same_v<M, bool>)
    return ColumnClass::Boolean;
  else if constexpr (std::is_same_v<M, std::int64_t>)
    return ColumnClass::Integer;
  else if constexpr (std::is_same_v<M, std::optional<std::int64_t>>)
    return ColumnClass::OptionalInteger;
  else
    return ColumnClass::Text;  // std::string and enums (stored by name)
}

template <class T>
const std::vector<ColumnInfo>& columns() {
  static const std::vector<ColumnInfo> list = [] {
    std::vector<ColumnInfo> out;
    std::apply(
        [&](const auto&... f) {
          (out.push_back(ColumnInfo{
               f.name, column_class<std::remove_cvref_t<decltype(std::declval<T>().*(f.member))>>(),
               f.kind}),
           ...);
        },
        T::fields());
    return out;
  }();
  return list;
}

template <ColumnType M>
void bind_value(Statement& s, int index, const M& v) {
  if constexpr (std::is_same_v<M, bool>)
    s.bind(index, std::int64_t{v ? 1 : 0});
  else if constexpr (std::is_same_v<M, std::int64_t>)
    s.bind(index, v);
  else if constexpr (std::is_same_v<M, std::string>)
    s.bind(index, std::string_view(v));
  else if constexpr (std::is_same_v<M, std::optional<std::int64_t>>) {
    if (v)
      s.bind(index, *v);
    else
      s.bind_null(index);
  } else {
    s.bind(index, to_string(v));
  }
}

// False when the stored text is not a known enum name (a row written by a newer build).
template <ColumnType M>
bool read_value(Statement& s, int index, M& v) {
  if constexpr (std::is_same_v<M, bool>)
    v = s.column_int(index) != 0;
  else if constexpr (std::is_same_v<M, std::int64_t>)
    v = s.column_int(index);
  else if constexpr (std::is_same_v<M, std::string>)
    v = s.column_text(index);
  else if constexpr (std::is_same_v<M, std::optional<std::int64_t>>) {
    v = s.column_null(index) ? std::nullopt : std::optional<std::int64_t>(s.column_int(index));
  } else {
    return parse(s.column_text(index), v);
  }
  return true;
}

// Binds every field of record from parameter index `first` on; returns the next free index.
template <class T>
int bind_fields(Statement& s, const T& record, int first) {
  int i = first;
  std::apply([&](const auto&... f) { (bind_value(s, i++, record.*(f.member)), ...); }, T::fields());
  return i;
}

// Reads "id, version, fields..." from the current row.
template <class T>
bool read_record(Statement& s, T& record) {
  record.id = s.column_int(0);
  record.version = s.column_int(1);
  int i = 2;
  bool ok = true;
  std::apply([&](const auto&... f) { ((ok = read_value(s, i++, record.*(f.member)) && ok), ...); },
             T::fields());
  return ok;
}

// "SELECT id, version, a, b FROM t" and friends, from the field table (never from user input).
std::string select_list(std::string_view table, const std::vector<ColumnInfo>& cols);
std::string insert_sql(std::string_view table, const std::vector<ColumnInfo>& cols);
std::string update_sql(std::string_view table, const std::vector<ColumnInfo>& cols);

// WHERE/ORDER/LIMIT for a Query, with its values to bind in order. Invalid on an unknown or
// secret field, a value of the wrong type, an operator the column cannot take, a bad limit.
struct BuiltQuery {
  std::string sql;
  std::vector<Value> binds;
};
Result<BuiltQuery> build_query(std::string_view head, const std::vector<ColumnInfo>& cols,
                               const Query& query, bool with_order_and_limit);
void bind_values(Statement& s, const std::vector<Value>& values);

}  // namespace dialcore::control::store::sqlite
