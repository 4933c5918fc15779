#include "control/api/recording_routes.hpp"

#include <boost/json.hpp>

#include "control/api/api_error.hpp"
#include "control/api/cdr_routes.hpp"
#include "control/api/record_codec.hpp"
#include "control/api/resource.hpp"
#include "control/store/record_json.hpp"

namespace dialcore::control::api {

namespace json = boost::json;
using store::Match;

namespace {

// The filters and paging into `q`; an error answer's status otherwise (0: fine).
ApiResponse recording_filters(const ApiRequest& request, store::Query& q) {
  for (const auto& [key, value] : request.query) {
    std::int64_t n = 0;
    if (key == "from" || key == "to") {
      if (!parse_time_ms(value, n)) {
        return error_response(400, "bad_query",
                              key + ": ms since the epoch or YYYY-MM-DD[THH:MM:SSZ] (UTC)");
      }
      q.all.push_back({"started_at_ms", key == "from" ? Match::AtLeast : Match::Less, n});
    } else if (key == "call" || key == "campaign" || key == "state") {
      q.all.push_back({key == "call" ? "call_id" : key, Match::Equals, value});
    } else if (key == "cursor") {
      if (!detail::text_int(value, n) || n < 0) {
        return error_response(400, "bad_query", "cursor: the next_cursor of the previous page");
      }
      q.all.push_back({"id", Match::AtLeast, n + 1});
    } else if (key != "limit" && key != "offset") {
      return error_response(400, "unknown_parameter", "no filter " + key);
    }
  }
  std::string error;
  if (!page_params(request, q, error)) return error_response(400, "bad_query", error);
  return ApiResponse{0, "", "", 0};
}

json::object recording_json(const store::Recording& r) {
  json::object o = json::parse(store::to_json(r)).as_object();
  json::error_code ec;
  json::value markers = json::parse(r.markers_json, ec);
  o.erase("markers_json");
  o["markers"] = ec ? json::value(json::array{}) : std::move(markers);
  return o;
}

}  // namespace

ApiResponse list_recordings(store::Store& store, const ApiRequest& request) {
  store::Query q;
  if (auto bad = recording_filters(request, q); bad.status) return bad;
  auto rows = store.recordings().list(q);
  if (!rows) return from_error(rows.error());
  store::Query all = q;  // the total counts every match of the filters, whatever the cursor
  std::erase_if(all.all, [](const store::Condition& c) { return c.field == "id"; });
  auto total = store.recordings().count(all);
  if (!total) return from_error(total.error());
  json::array items;
  for (const auto& r : *rows) items.push_back(recording_json(r));
  const bool full = static_cast<std::int64_t>(rows->size()) == q.limit;
  json::object body{{"items", std::move(items)}, {"total", *total}};
  body["next_cursor"] = full && q.order_by == "id" && !q.descending
                            ? json::value(std::to_string(rows->back().id))
                            : json::value(nullptr);
  return json_response(200, json::serialize(body));
}

}  // namespace dialcore::control::api
