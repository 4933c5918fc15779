#include "control/store/sqlite_columns.hpp"

#include <string>

namespace dialcore::control::store::sqlite {

std::string select_list(std::string_view table, const std::vector<ColumnInfo>& cols) {
  std::string sql = "SELECT id, version";
  for (const auto& c : cols) sql.append(", ").append(c.name);
  return sql.append(" FROM ").append(table);
}

std::string insert_sql(std::string_view table, const std::vector<ColumnInfo>& cols) {
  std::string names = "version";
  std::string marks = "1";
  for (const auto& c : cols) {
    names.append(", ").append(c.name);
    marks.append(", ?");
  }
  return std::string("INSERT INTO ")
      .append(table)
      .append(" (")
      .append(names)
      .append(") VALUES (")
      .append(marks)
      .append(")");
}

std::string update_sql(std::string_view table, const std::vector<ColumnInfo>& cols) {
  std::string sql = std::string("UPDATE ").append(table).append(" SET version = version + 1");
  for (const auto& c : cols) sql.append(", ").append(c.name).append(" = ?");
  return sql.append(" WHERE id = ? AND version = ?");
}

namespace {

constexpr ColumnInfo kIdColumn{"id", ColumnClass::Integer, FieldKind::Plain};

const ColumnInfo* find_column(const std::vector<ColumnInfo>& cols, std::string_view name) {
  if (name == "id") return &kIdColumn;
  for (const auto& c : cols) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// LIKE pattern that matches `text` literally, with ESCAPE '\'.
std::string like_literal(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  return out;
}

Error invalid(std::string message) { return Error{Errc::Invalid, std::move(message)}; }

Result<std::string> condition_sql(const std::vector<ColumnInfo>& cols, const Condition& c,
                                  std::vector<Value>& binds) {
  const ColumnInfo* col = find_column(cols, c.field);
  if (col == nullptr) return invalid("unknown field '" + c.field + "'");
  if (col->kind == FieldKind::Secret) return invalid("field '" + c.field + "' cannot be searched");
  const std::string name(col->name);
  const bool integer = col->cls == ColumnClass::Integer || col->cls == ColumnClass::OptionalInteger;
  const auto* text = std::get_if<std::string>(&c.value);
  const auto* number = std::get_if<std::int64_t>(&c.value);
  const auto* flag = std::get_if<bool>(&c.value);
  switch (c.match) {
    case Match::Equals:
      if (col->cls == ColumnClass::Text && text) {
        binds.emplace_back(*text);
        return name + " = ? COLLATE NOCASE";
      }
      if (integer && number) {
        binds.emplace_back(*number);
        return name + " = ?";
      }
      if (col->cls == ColumnClass::Boolean && flag) {
        binds.emplace_back(std::int64_t{*flag ? 1 : 0});
        return name + " = ?";
      }
      return invalid("field '" + c.field + "': value of the wrong type");
    case Match::Prefix:
    case Match::Contains: {
      if (!text || col->cls == ColumnClass::Boolean) {
        return invalid("field '" + c.field +
                       "': prefix/contains needs text on a text or number field");
      }
      std::string pattern = c.match == Match::Contains ? "%" : "";
      pattern.append(like_literal(*text)).push_back('%');
      binds.emplace_back(std::move(pattern));
      std::string sql = integer ? std::string("CAST(").append(name).append(" AS TEXT)") : name;
      return sql.append(" LIKE ? ESCAPE '\\'");
    }
    case Match::Less:
    case Match::AtLeast:
      if (!integer || !number) return invalid("field '" + c.field + "': comparison needs a number");
      binds.emplace_back(*number);
      return name + (c.match == Match::Less ? " < ?" : " >= ?");
    case Match::IsNull:
      if (col->cls != ColumnClass::OptionalInteger)
        return invalid("field '" + c.field + "' is never empty");
      return name + " IS NULL";
  }
  return invalid("unknown match");
}

Result<std::string> joined(const std::vector<ColumnInfo>& cols, const std::vector<Condition>& conds,
                           std::string_view op, std::vector<Value>& binds) {
  std::string sql;
  for (const auto& c : conds) {
    auto part = condition_sql(cols, c, binds);
    if (!part) return part.error();
    if (!sql.empty()) sql.append(op);
    sql.append("(").append(*part).append(")");
  }
  return sql;
}

}  // namespace

Result<BuiltQuery> build_query(std::string_view head, const std::vector<ColumnInfo>& cols,
                               const Query& query, bool with_order_and_limit) {
  BuiltQuery out{std::string(head), {}};
  auto all = joined(cols, query.all, " AND ", out.binds);
  if (!all) return all.error();
  auto any = joined(cols, query.any, " OR ", out.binds);
  if (!any) return any.error();
  if (!all->empty() || !any->empty()) {
    out.sql.append(" WHERE ");
    if (!all->empty()) out.sql.append(*all);
    if (!all->empty() && !any->empty()) out.sql.append(" AND ");
    if (!any->empty()) out.sql.append("(").append(*any).append(")");
  }
  if (!with_order_and_limit) return out;
  const ColumnInfo* order = find_column(cols, query.order_by);
  if (order == nullptr || order->kind == FieldKind::Secret) {
    return invalid("cannot order by '" + query.order_by + "'");
  }
  if (query.limit < 1 || query.limit > 10000 || query.offset < 0) {
    return invalid("limit must be 1..10000 and offset >= 0");
  }
  out.sql.append(" ORDER BY ").append(order->name);
  if (order->cls == ColumnClass::Text) out.sql.append(" COLLATE NOCASE");
  out.sql.append(query.descending ? " DESC" : " ASC");
  if (order->name != "id") out.sql.append(", id");
  out.sql.append(" LIMIT ? OFFSET ?");
  out.binds.emplace_back(query.limit);
  out.binds.emplace_back(query.offset);
  return out;
}

void bind_values(Statement& s, const std::vector<Value>& values) {
  int i = 1;
  for (const auto& v : values) {
    if (const auto* n = std::get_if<std::int64_t>(&v))
      s.bind(i, *n);
    else if (const auto* t = std::get_if<std::string>(&v))
      s.bind(i, std::string_view(*t));
    else
      s.bind(i, std::int64_t{std::get<bool>(v) ? 1 : 0});
    ++i;
  }
}

}  // namespace dialcore::control::store::sqlite
