#pragma once
// The recording index over the API (supervisor and admin tokens; the router checks roles):
//   GET /api/v1/recordings  JSON page: {"items":[...],"total":N,"next_cursor":"ID"|null}
// One item per recording file (the `recordings` rows dialcored writes when a recording is
// finished, repaired at start-up or cut short by a full disk): call_id, leg, campaign, agent,
// path, format, started_at_ms, ended_at_ms, duration_ms, size_bytes, state (complete, repaired,
// truncated_disk_full, truncated_too_large, interrupted, failed), tags, sha256 and markers
// [{kind, offset_ms, text}]. Filters: call (a call id), campaign (the campaign's configuration
// id, as the recorder names it), state, from / to (started_at, as for CDRs). Paging as CDRs.

#include "control/api/http_types.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::api {

ApiResponse list_recordings(store::Store& store, const ApiRequest& request);

}  // namespace dialcore::control::api
