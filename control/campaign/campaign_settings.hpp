#pragma once
// A configured campaign (config::Campaign) as the pieces that run it: the pacing strategy's
// name and parameters, the dialling rules of the hopper, the runner's settings; and the tz
// database lookup (Debian's libhowardhinnant-date over /usr/share/zoneinfo) the dialler takes
// injected.

#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "control/campaign/campaign_runner.hpp"
#include "control/campaign/store_lead_source.hpp"
#include "dialler/civil_time.hpp"
#include "dialler/pacing_strategy.hpp"

namespace dialcore::control::campaign {

// "progressive", "ratio:K", "predictive", "preview[:T]", wrapped in "blended:N:..." when the
// campaign keeps N idle agents for inbound: the names dialler::make_strategy takes.
std::string strategy_spec(const config::Campaign& c);
dialler::CampaignPacing pacing_of(const config::Campaign& c, double ring_timeout_s);
dialler::DialRules rules_of(const config::Campaign& c);
RunnerSettings runner_settings_of(const config::Campaign& c, std::int64_t store_campaign_id);
HopperSettings hopper_settings_of(const config::Campaign& c, std::int64_t store_campaign_id,
                                  const std::string& organisation_zone);

// UTC offset of an IANA zone at a UTC instant from the tz database; an unknown zone counts as
// UTC (the config loader has already refused unknown zones it could see).
dialler::ZoneOffsetFn tz_database_offsets();

}  // namespace dialcore::control::campaign
