#pragma once
// Each record type describes its columns once, as a tuple of Field{name, member pointer}. The
// SQLite repository builds its statements from these names (never from user input), the audit
// log serialises records with them, and a PostgreSQL implementation can reuse both.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace dialcore::control::store {

// Secret columns (password hashes, TOTP and SIP secrets) are never filterable and appear in
// audit JSON only as "<redacted>" or "".
enum class FieldKind { Plain, Secret };

template <class T, class M>
struct Field {
  std::string_view name;
  M T::*member;
  FieldKind kind = FieldKind::Plain;
};

template <class T, class M>
constexpr Field<T, M> field(std::string_view name, M T::*member,
                            FieldKind kind = FieldKind::Plain) {
  return Field<T, M>{name, member, kind};
}

// Column value types a record may use. Enums are stored as text through
// to_string(E) / parse(std::string_view, E&) found by argument-dependent lookup.
template <class M>
concept ColumnType =
    std::is_same_v<M, std::int64_t> || std::is_same_v<M, bool> || std::is_same_v<M, std::string> ||
    std::is_same_v<M, std::optional<std::int64_t>> || std::is_enum_v<M>;

// Every record has these two, managed by the store: id (assigned on create) and version
// (1 on create, +1 on each update; an update naming an older version is a Conflict).
struct RecordBase {
  std::int64_t id = 0;
  std::int64_t version = 0;
  bool operator==(const RecordBase&) const = default;
};

}  // namespace dialcore::control::store
