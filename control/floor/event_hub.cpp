#include "control/floor/event_hub.hpp"

#include <algorithm>

namespace dialcore::control::floor {

bool StreamFilter::matches(const FloorEvent& e) const {
  if (!supervisor) return e.agent == agent;
  if (!team) return true;
  return std::find(e.teams.begin(), e.teams.end(), *team) != e.teams.end();
}

std::uint64_t EventHub::publish(std::string_view type, std::int64_t agent,
                                const std::vector<std::int64_t>& teams,
                                const std::string& data_json) {
  FloorEvent e;
  e.id = next_id_++;
  e.type = std::string(type);
  e.agent = agent;
  e.teams = teams;
  e.frame.reserve(data_json.size() + type.size() + 32);
  e.frame.append("id: ").append(std::to_string(e.id)).append("\nevent: ");
  e.frame.append(type).append("\ndata: ").append(data_json).append("\n\n");
  std::vector<std::shared_ptr<EventSink>> dropped;
  for (auto it = subs_.begin(); it != subs_.end();) {
    if (it->second.filter.matches(e) && !it->second.sink->send(e.frame)) {
      dropped.push_back(std::move(it->second.sink));
      it = subs_.erase(it);
      ++dropped_;
    } else {
      ++it;
    }
  }
  ring_.push_back(std::move(e));
  while (ring_.size() > capacity_) ring_.pop_front();
  for (auto& s : dropped) s->close();  // after the loop: close() may call unsubscribe()
  return next_id_ - 1;
}

std::uint64_t EventHub::subscribe(const StreamFilter& filter, std::shared_ptr<EventSink> sink,
                                  std::optional<std::uint64_t> last_event_id) {
  bool ok = true;
  if (last_event_id) {
    const std::uint64_t oldest = ring_.empty() ? next_id_ : ring_.front().id;
    if (*last_event_id + 1 < oldest && *last_event_id < next_id_ - 1) {
      const std::string gap = "event: replay_gap\ndata: {\"last_event_id\":" +
                              std::to_string(*last_event_id) +
                              ",\"oldest_buffered\":" + std::to_string(oldest) + "}\n\n";
      ok = sink->send(gap);
    }
    for (const auto& e : ring_) {
      if (!ok) break;
      if (e.id > *last_event_id && filter.matches(e)) ok = sink->send(e.frame);
    }
  }
  if (!ok) {
    ++dropped_;
    sink->close();
    return 0;
  }
  const std::uint64_t id = next_sub_++;
  subs_.emplace(id, Sub{filter, std::move(sink)});
  return id;
}

void EventHub::unsubscribe(std::uint64_t subscription) { subs_.erase(subscription); }

}  // namespace dialcore::control::floor
