// QueueRouter::queue_stats: the inbound queues' live figures for the API
// (GET /api/v1/queues/stats, /api/v1/queues/{id}/stats; openapi.yaml QueueStats).
#include <boost/json.hpp>

#include "control/appliance/queue_router.hpp"

namespace dialcore::control::appliance {

namespace {

namespace json = boost::json;

json::object view_json(const QueueView& v) {
  const acd::QueueStats& s = v.stats;
  json::object o;
  o["id"] = v.id;
  o["name"] = v.name;
  if (v.store_id != 0) {
    o["store_id"] = v.store_id;
  } else {
    o["store_id"] = nullptr;
  }
  o["waiting"] = s.waiting;
  o["longest_wait_ms"] = s.longest_wait_ms;
  o["agents_available"] = v.agents_available;
  o["agents_busy"] = v.agents_busy;
  o["agents_wrap"] = v.agents_wrap;
  o["agents_out"] = v.agents_out;
  o["entered_today"] = s.entered;
  o["answered_today"] = s.answered;
  o["answered_within_sl_today"] = s.answered_within_sl;
  o["abandoned_today"] = s.abandoned;
  o["overflowed_today"] = s.overflowed;
  if (s.service_level_percent) {
    o["service_level_percent"] = *s.service_level_percent;
  } else {
    o["service_level_percent"] = nullptr;
  }
  o["average_handle_ms"] = s.average_handle_ms;
  return o;
}

}  // namespace

api::CampaignAnswer QueueRouter::queue_stats(std::string_view queue) {
  api::CampaignAnswer a;
  const std::vector<QueueView> all = views();
  if (queue.empty()) {
    json::array items;
    for (const QueueView& v : all) items.push_back(view_json(v));
    a.body["queues"] = std::move(items);
    return a;
  }
  const auto id = resolve(std::string(queue));
  for (const QueueView& v : all) {
    if (id && v.id == *id) {
      a.body = view_json(v);
      return a;
    }
  }
  a.status = 404;
  a.code = "unknown_queue";
  a.message = "no configured queue has that id or name";
  return a;
}

}  // namespace dialcore::control::appliance
