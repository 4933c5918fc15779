#pragma once
// Call detail records over the API (supervisor and admin tokens; the router checks roles):
//   GET /api/v1/cdrs      JSON page: {"items":[...],"total":N,"next_cursor":"ID"|null}
//   GET /api/v1/cdrs.csv  every matching CDR as CSV with a header row
// Filters (both): from, to (started_at: integer ms since the epoch or "YYYY-MM-DD[THH:MM:SSZ]"
// UTC; from inclusive, to exclusive), agent, campaign (ids), call_id. Paging (JSON): limit
// (1..10000, default 100) and cursor (the next_cursor of the previous page; ids ascending), or
// offset like the other lists. The CSV neutralises formula-looking cells (csv::append_safe_row).

#include <cstdint>
#include <string>
#include <string_view>

#include "control/api/http_types.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::api {

ApiResponse list_cdrs(store::Store& store, const ApiRequest& request);
ApiResponse export_cdrs_csv(store::Store& store, const ApiRequest& request);

// "1700000000000", "2026-11-21", "2026-11-21T10:00:00Z" → ms since the epoch (UTC).
bool parse_time_ms(std::string_view text, std::int64_t& out);

}  // namespace dialcore::control::api
