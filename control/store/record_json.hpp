#pragma once
// A record as a JSON object, from its field table: what the audit log stores as before/after.
// Secret fields show only whether they are set. Backend-neutral (PostgreSQL can reuse it).

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>

#include "control/store/agent_record.hpp"
#include "control/store/field.hpp"

namespace dialcore::control::store {

namespace detail {

template <class M>
boost::json::value json_value(const M& v, FieldKind kind) {
  if constexpr (std::is_same_v<M, std::string>) {
    if (kind == FieldKind::Secret) return v.empty() ? "" : "<redacted>";
    return boost::json::value(v);
  } else if constexpr (std::is_same_v<M, bool>) {
    return boost::json::value(v);
  } else if constexpr (std::is_same_v<M, std::int64_t>) {
    return boost::json::value(v);
  } else if constexpr (std::is_same_v<M, std::optional<std::int64_t>>) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
  } else {
    static_assert(std::is_enum_v<M>);
    return boost::json::value(to_string(v));
  }
}

inline void add_links(boost::json::object&, const RecordBase&) {}

inline void add_links(boost::json::object& o, const Agent& a) {
  boost::json::array teams(a.teams.begin(), a.teams.end());
  boost::json::array queues(a.queues.begin(), a.queues.end());
  boost::json::array campaigns;
  for (const auto& c : a.campaigns) {
    campaigns.push_back(
        boost::json::object{{"campaign_id", c.campaign_id}, {"priority", to_string(c.priority)}});
  }
  o["teams"] = std::move(teams);
  o["queues"] = std::move(queues);
  o["campaigns"] = std::move(campaigns);
}

}  // namespace detail

template <class T>
std::string to_json(const T& record) {
  boost::json::object o;
  o["id"] = record.id;
  o["version"] = record.version;
  std::apply(
      [&](const auto&... f) {
        ((o[f.name] = detail::json_value(record.*(f.member), f.kind)), ...);
      },
      T::fields());
  detail::add_links(o, record);
  return boost::json::serialize(o);
}

}  // namespace dialcore::control::store
