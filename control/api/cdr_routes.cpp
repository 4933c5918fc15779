#include "control/api/cdr_routes.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <ctime>

#include "control/api/api_error.hpp"
#include "control/api/csv_export.hpp"
#include "control/api/list_page.hpp"
#include "control/api/record_codec.hpp"
#include "control/api/resource.hpp"
#include "control/csv/csv.hpp"
#include "control/store/record_json.hpp"

namespace dialcore::control::api {

namespace json = boost::json;
using store::Match;

bool parse_time_ms(std::string_view text, std::int64_t& out) {
  if (detail::text_int(text, out)) return out >= 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char tail = 0;
  const std::string t(text);
  int n = 0;
  if (t.size() == 10) {
    if (std::sscanf(t.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return false;
  } else if (t.size() == 20) {
    if (std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &y, &mo, &d, &h, &mi, &s, &tail,
                    &n) != 7 ||
        tail != 'Z' || n != 20) {
      return false;
    }
  } else {
    return false;
  }
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const std::time_t secs = timegm(&tm);
  if (secs < 0) return false;
  out = static_cast<std::int64_t>(secs) * 1000;
  return true;
}

namespace {

struct CdrQuery {
  store::Query query;
  std::int64_t cursor = 0;
};

// The filters into `out`; an error answer's status otherwise.
ApiResponse cdr_filters(const ApiRequest& request, CdrQuery& out, bool paging) {
  auto& q = out.query;
  for (const auto& [key, value] : request.query) {
    std::int64_t n = 0;
    if (key == "from" || key == "to") {
      if (!parse_time_ms(value, n)) {
        return error_response(400, "bad_query",
                              key + ": ms since the epoch or YYYY-MM-DD[THH:MM:SSZ] (UTC)");
      }
      q.all.push_back({"started_at_ms", key == "from" ? Match::AtLeast : Match::Less, n});
    } else if (key == "agent" || key == "campaign") {
      if (!detail::text_int(value, n) || n < 1) {
        return error_response(400, "bad_query", key + ": a positive id");
      }
      q.all.push_back({key == "agent" ? "agent_id" : "campaign_id", Match::Equals, n});
    } else if (key == "call_id") {
      q.all.push_back({"call_id", Match::Equals, value});
    } else if (paging && key == "cursor") {
      if (!detail::text_int(value, out.cursor) || out.cursor < 0) {
        return error_response(400, "bad_query", "cursor: the next_cursor of the previous page");
      }
      q.all.push_back({"id", Match::AtLeast, out.cursor + 1});
    } else if (paging && (key == "limit" || key == "offset")) {
      continue;  // page_params
    } else {
      return error_response(400, "unknown_parameter", "no filter " + key);
    }
  }
  if (paging) {
    std::string error;
    if (!page_params(request, q, error)) return error_response(400, "bad_query", error);
  }
  return ApiResponse{0, "", "", 0};
}

json::object cdr_json(const store::Cdr& c) {
  return json_with_parsed(c, "events_json", c.events_json, "events");
}

}  // namespace

ApiResponse list_cdrs(store::Store& store, const ApiRequest& request) {
  CdrQuery cq;
  if (auto bad = cdr_filters(request, cq, true); bad.status) return bad;
  return list_page(store.cdrs(), cq.query, cdr_json);
}

ApiResponse export_cdrs_csv(store::Store& store, const ApiRequest& request) {
  CdrQuery cq;
  if (auto bad = cdr_filters(request, cq, false); bad.status) return bad;
  auto out = csv_export(store.cdrs(), cq.query);
  if (!out) return from_error(out.error());
  return ApiResponse{200, "text/csv; charset=utf-8", std::move(*out), 0};
}

}  // namespace dialcore::control::api
