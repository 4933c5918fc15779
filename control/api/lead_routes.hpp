#pragma once
// A campaign's leads over the API (the router checks roles: reads for supervisors and admins,
// import for admins):
//   GET  /api/v1/campaigns/{id}/leads          JSON page (limit/offset, status=...)
//   GET  /api/v1/campaigns/{id}/leads.csv      every lead as CSV (formula cells neutralised)
//   POST /api/v1/campaigns/{id}/leads/import   CSV body (text/csv), ?dry_run=true,
//                                              ?country_code=44 (see normalise_phone)
//
// Import: the header maps columns to lead fields by name, case-insensitive — external_id,
// first_name, last_name, phone1 (or phone, mobile), phone2 (or home), phone3 (or work),
// timezone; any other column is kept in data_json as a custom field. A phone column is
// required. Each data row is one of:
//   imported   created with status new
//   dnc        created with status dnc: one of its numbers is on the do-not-call list
//   duplicate  skipped: its phone1 is already a lead's phone1 in this campaign (or an earlier
//              row's)
//   invalid    skipped and reported (line, row, reason): ragged row, no or bad number, bad field
// The whole import is one transaction (each row a savepoint): a full disk or a busy database
// fails it as a whole (507/503) with nothing written; row problems never reject good rows.

#include <cstdint>
#include <string>
#include <string_view>

#include "control/api/http_types.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::api {

// Digits with an optional leading '+' (what leads and the DNC list store). Spaces, dots,
// dashes, slashes and brackets are dropped. "+..." and "00..." are international (E.164:
// '+' and the digits); otherwise, with a country code, a national number loses one leading
// trunk '0' and gains "+<country code>"; without one it stays digits only. 3..15 digits, else
// false with `why`.
bool normalise_phone(std::string_view raw, std::string_view country_code, std::string& out,
                     std::string& why);

ApiResponse list_leads(store::Store& store, std::int64_t campaign_id, const ApiRequest& request);
ApiResponse export_leads_csv(store::Store& store, std::int64_t campaign_id);
ApiResponse import_leads(store::Store& store, std::int64_t campaign_id, const ApiRequest& request,
                         const store::Actor& actor);

}  // namespace dialcore::control::api
