#pragma once
// Driving the agent floor of an ApplianceRig as a toolbar does (appliance_transfer_test,
// appliance_queue_transfer_test): the agent API's floor routes, the floor's snapshots, the legs'
// RTP counters, the CDRs and dispositions written. Every wait is bounded.
#include "appliance_rig.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "control/api/http_types.hpp"
#include "control/calls/call_types.hpp"

namespace dialcore::test {

using control::calls::CallHandle;
using control::calls::Side;

inline constexpr std::uint64_t kAliasBit = std::uint64_t{1} << 62;  // CallTransfers::kAliasBit

boost::json::object snap(ApplianceRig& rig, std::int64_t agent);
std::string state_of(ApplianceRig& rig, std::int64_t agent);
// The agent's calls as the floor lists them: (call id, held).
std::vector<std::pair<std::uint64_t, bool>> calls_of(ApplianceRig& rig, std::int64_t agent);
// POST /api/v1/floor/<op> as `agent`, through the agent API's routes.
control::api::ApiResponse post(ApplianceRig& rig, std::int64_t agent, const std::string& op,
                               const std::string& body);
dataplane::LegStats leg_stats(ApplianceRig& rig, CallHandle call, Side side);
// Packets keep flowing both ways between `a` and `b` (bridged): over 600 ms, `a` receives and
// `b` sends more, and `b` receives and `a` sends more.
void require_flowing(ApplianceRig& rig, CallHandle ca, Side sa, CallHandle cb, Side sb);
bool wait_state(ApplianceRig& rig, std::int64_t agent, const std::string& state,
                std::chrono::milliseconds limit = std::chrono::seconds(15));
// Agent i dials `number` for the rig's campaign; returns the call once the agent talks.
CallHandle manual_call(ApplianceRig& rig, int i, const std::string& number);

struct Cdrs {
  std::vector<store::Cdr> rows;
  const store::Cdr* leg(const std::string& call_id, const std::string& leg) const;
};
Cdrs read_cdrs(ApplianceRig& rig);
std::vector<store::Disposition> read_dispositions(ApplianceRig& rig);
bool has_event(const store::Cdr& c, const std::string& type);
void wrap(ApplianceRig& rig, std::int64_t agent);  // waits for wrap, then wraps "sale"
void require_drained(ApplianceRig& rig);          // every call over, every leg gone
// `agents` agents logged in and available, the first `handsets` of them on a handset that
// answers one call (RTP echoed); the carrier answers `carrier_calls` calls, waiting for our BYE.
std::unique_ptr<ApplianceRig> floor_rig(int agents, int handsets, int carrier_calls,
                                        ApplianceOptions o = {});

}  // namespace dialcore::test
