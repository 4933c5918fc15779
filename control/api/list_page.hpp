#pragma once
// One JSON page of a history list (CDRs, recordings): {"items":[...],"total":N,
// "next_cursor":"ID"|null}. `query` holds the filters, paging and, when a cursor was given, an
// `id >= cursor + 1` condition; the total counts every match of the filters, whatever the cursor.
// `item(row)` makes one item. And a record's JSON-text column shown as JSON (`events_json` as
// `events`, `markers_json` as `markers`; [] if it does not parse).

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "control/api/api_error.hpp"
#include "control/api/http_types.hpp"
#include "control/store/record_json.hpp"
#include "control/store/repository.hpp"

namespace dialcore::control::api {

template <class T, class Item>
ApiResponse list_page(store::Reader<T>& rows_of, const store::Query& query, Item item) {
  namespace json = boost::json;
  auto rows = rows_of.list(query);
  if (!rows) return from_error(rows.error());
  store::Query all = query;
  std::erase_if(all.all, [](const store::Condition& c) { return c.field == "id"; });
  auto total = rows_of.count(all);
  if (!total) return from_error(total.error());
  json::array items;
  for (const auto& r : *rows) items.push_back(item(r));
  const bool full = static_cast<std::int64_t>(rows->size()) == query.limit;
  json::object body{{"items", std::move(items)}, {"total", *total}};
  body["next_cursor"] = full && query.order_by == "id" && !query.descending
                            ? json::value(std::to_string(rows->back().id))
                            : json::value(nullptr);
  return json_response(200, json::serialize(body));
}

// The record as JSON with its text column `column` replaced by the parsed value under `as`.
template <class T>
boost::json::object json_with_parsed(const T& record, std::string_view column,
                                     const std::string& text, std::string_view as) {
  namespace json = boost::json;
  json::object o = json::parse(store::to_json(record)).as_object();
  json::error_code ec;
  json::value parsed = json::parse(text, ec);
  o.erase(column);
  o[as] = ec ? json::value(json::array{}) : std::move(parsed);
  return o;
}

}  // namespace dialcore::control::api
