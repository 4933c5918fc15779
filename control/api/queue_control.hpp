#pragma once
// What the API asks of the running inbound queues (control/appliance's QueueRouter implements
// it): their live figures. GET /api/v1/queues/stats (every queue) and
// GET /api/v1/queues/{id}/stats (one: the store's queue id, or the config id/name), supervisor
// or admin; see router.cpp and openapi.yaml. An interface so control/api does not link the ACD.

#include <string_view>

#include "control/api/campaign_control.hpp"

namespace dialcore::control::api {

class QueueControl {
 public:
  virtual ~QueueControl() = default;
  // `queue` empty: {"queues": [...]} for every configured queue; else that queue's figures, or
  // 404 unknown_queue.
  virtual CampaignAnswer queue_stats(std::string_view queue) = 0;
};

}  // namespace dialcore::control::api
