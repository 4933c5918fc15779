#include "control/api/recording_routes.hpp"

#include <boost/json.hpp>

#include "control/api/api_error.hpp"
#include "control/api/cdr_routes.hpp"
#include "control/api/list_page.hpp"
#include "control/api/record_codec.hpp"
#include "control/api/resource.hpp"

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
  return json_with_parsed(r, "markers_json", r.markers_json, "markers");
}

}  // namespace

ApiResponse list_recordings(store::Store& store, const ApiRequest& request) {
  store::Query q;
  if (auto bad = recording_filters(request, q); bad.status) return bad;
  return list_page(store.recordings(), q, recording_json);
}

}  // namespace dialcore::control::api
