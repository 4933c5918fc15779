#pragma once
// What the API asks of the running campaigns (control/appliance implements it): start, pause
// and stop a campaign's dialling, and its live figures. /api/v1/campaigns/{id}/start|pause|stop
// (POST, admin) and /api/v1/campaigns/{id}/stats (GET, supervisor or admin); see router.cpp.
// Kept as an interface so control/api does not link the dialler.

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace dialcore::control::api {

struct CampaignAnswer {
  unsigned status = 200;  // 200 with `body`; else an error with `code` and `message`
  std::string code;
  std::string message;
  boost::json::object body;
};

class CampaignControl {
 public:
  virtual ~CampaignControl() = default;
  // action: "start", "pause", "stop"; the answer's body is the campaign's stats.
  virtual CampaignAnswer campaign_action(std::int64_t campaign_id, std::string_view action) = 0;
  virtual CampaignAnswer campaign_stats(std::int64_t campaign_id) = 0;
};

}  // namespace dialcore::control::api
