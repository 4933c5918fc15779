#pragma once
// A record's fields read from JSON (POST/PATCH bodies) and from/to text (CSV), driven by the
// store's field tables, so every resource decodes the same way. Unknown or read-only keys and
// wrong JSON types are reported per key (the API answers 400); values are never guessed.

#include <boost/json.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "control/agents/agent_error.hpp"
#include "control/store/field.hpp"

namespace dialcore::control::api {

using agents::FieldError;

namespace detail {

inline bool json_int(const boost::json::value& v, std::int64_t& out) {
  if (v.is_int64()) {
    out = v.get_int64();
    return true;
  }
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    out = static_cast<std::int64_t>(v.get_uint64());
    return true;
  }
  return false;
}

// One value into a member; false when the JSON type does not fit.
template <class M>
bool from_json(const boost::json::value& v, M& out) {
  if constexpr (std::is_same_v<M, std::string>) {
    if (!v.is_string()) return false;
    out = std::string(v.get_string());
    return true;
  } else if constexpr (std::is_same_v<M, bool>) {
    if (!v.is_bool()) return false;
    out = v.get_bool();
    return true;
  } else if constexpr (std::is_same_v<M, std::int64_t>) {
    return json_int(v, out);
  } else if constexpr (std::is_same_v<M, std::optional<std::int64_t>>) {
    if (v.is_null()) {
      out.reset();
      return true;
    }
    std::int64_t n = 0;
    if (!json_int(v, n)) return false;
    out = n;
    return true;
  } else {
    static_assert(std::is_enum_v<M>);
    return v.is_string() && parse(std::string_view(v.get_string()), out);
  }
}

inline bool text_int(std::string_view s, std::int64_t& out) {
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && p == end && !s.empty();
}

inline bool text_bool(std::string_view s, bool& out) {
  if (s == "true" || s == "yes" || s == "1") return out = true, true;
  if (s == "false" || s == "no" || s == "0") return out = false, true;
  return false;
}

template <class M>
bool from_text(std::string_view s, M& out) {
  if constexpr (std::is_same_v<M, std::string>) {
    out = std::string(s);
    return true;
  } else if constexpr (std::is_same_v<M, bool>) {
    return text_bool(s, out);
  } else if constexpr (std::is_same_v<M, std::int64_t>) {
    return text_int(s, out);
  } else if constexpr (std::is_same_v<M, std::optional<std::int64_t>>) {
    if (s.empty()) {
      out.reset();
      return true;
    }
    std::int64_t n = 0;
    if (!text_int(s, n)) return false;
    out = n;
    return true;
  } else {
    static_assert(std::is_enum_v<M>);
    return parse(s, out);
  }
}

template <class M>
std::string to_text(const M& v) {
  if constexpr (std::is_same_v<M, std::string>) {
    return v;
  } else if constexpr (std::is_same_v<M, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_same_v<M, std::int64_t>) {
    return std::to_string(v);
  } else if constexpr (std::is_same_v<M, std::optional<std::int64_t>>) {
    return v ? std::to_string(*v) : std::string();
  } else {
    return std::string(to_string(v));
  }
}

template <class M>
constexpr const char* type_name() {
  if constexpr (std::is_same_v<M, std::string> || std::is_enum_v<M>)
    return "a string";
  else if constexpr (std::is_same_v<M, bool>)
    return "a boolean";
  else if constexpr (std::is_same_v<M, std::int64_t>)
    return "an integer";
  else
    return "an integer or null";
}

}  // namespace detail

namespace detail {

// Sets the writable field called `name` with `convert(member)` (false: the value does not fit).
// Returns "" on success, "unknown" when no writable field has that name, "type" (with
// `message` set) when the value does not fit.
template <class T, class Convert>
std::string set_field(T& record, std::string_view name, const std::set<std::string_view>& read_only,
                      std::string& message, Convert&& convert) {
  std::string outcome = "unknown";
  if (read_only.contains(name)) return outcome;
  auto one = [&](const auto& f) {
    if (f.name != name) return;
    auto& member = record.*(f.member);
    outcome = "";
    if (!convert(member)) {
      message = std::string("must be ") + type_name<std::remove_cvref_t<decltype(member)>>();
      outcome = "type";
    }
  };
  std::apply([&](const auto&... f) { (one(f), ...); }, T::fields());
  return outcome;
}

}  // namespace detail

// From a JSON value (bodies).
template <class T>
std::string set_field_json(T& record, std::string_view name, const boost::json::value& v,
                           const std::set<std::string_view>& read_only, std::string& message) {
  return detail::set_field(record, name, read_only, message,
                           [&](auto& member) { return detail::from_json(v, member); });
}

// From text (CSV cells).
template <class T>
std::string set_field_text(T& record, std::string_view name, std::string_view text,
                           const std::set<std::string_view>& read_only, std::string& message) {
  return detail::set_field(record, name, read_only, message,
                           [&](auto& member) { return detail::from_text(text, member); });
}

// The field names of T in table order, and a record's values as text in the same order.
template <class T>
std::vector<std::string> field_names() {
  std::vector<std::string> names;
  std::apply([&](const auto&... f) { (names.emplace_back(f.name), ...); }, T::fields());
  return names;
}

template <class T>
std::vector<std::string> field_texts(const T& record) {
  std::vector<std::string> out;
  std::apply([&](const auto&... f) { (out.push_back(detail::to_text(record.*(f.member))), ...); },
             T::fields());
  return out;
}

// A query parameter as a store Value of the named field's type; "unknown" / "type" / "".
template <class T, class Value>
std::string field_value(std::string_view name, std::string_view text, Value& out) {
  std::string outcome = "unknown";
  std::apply(
      [&](const auto&... f) {
        ((f.name == name && f.kind == store::FieldKind::Plain
              ? (
                    outcome =
                        [&] {
                          using M = std::remove_cvref_t<decltype(std::declval<T&>().*(f.member))>;
                          if constexpr (std::is_same_v<M, bool>) {
                            bool b = false;
                            if (!detail::text_bool(text, b)) return std::string("type");
                            out = b;
                          } else if constexpr (std::is_same_v<M, std::int64_t> ||
                                               std::is_same_v<M, std::optional<std::int64_t>>) {
                            std::int64_t n = 0;
                            if (!detail::text_int(text, n)) return std::string("type");
                            out = n;
                          } else {
                            out = std::string(text);
                          }
                          return std::string();
                        }(),
                    0)
              : 0),
         ...);
      },
      T::fields());
  return outcome;
}

}  // namespace dialcore::control::api
