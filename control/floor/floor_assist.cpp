// Request assistance (seed 001 §11, seed 003 §17): an agent's message to the supervisors of
// its teams, with a priority and a seen-receipt.
#include <boost/json.hpp>

#include "control/floor/floor.hpp"

namespace dialcore::control::floor {

namespace json = boost::json;

namespace {
std::size_t utf8_chars(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++n;
  }
  return n;
}

bool known_priority(const std::string& p) {
  return p == "low" || p == "normal" || p == "high" || p == "urgent";
}
}  // namespace

FloorResult Floor::request_assistance(AgentId agent, const std::string& message,
                                      const std::string& priority) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  const std::size_t chars = utf8_chars(message);
  if (chars == 0 || chars > settings_.assist_max_chars) {
    return FloorResult::error(422, "bad_message",
                              "a message is 1 to " + std::to_string(settings_.assist_max_chars) +
                                  " characters");
  }
  const std::string prio = priority.empty() ? "normal" : priority;
  if (!known_priority(prio)) {
    return FloorResult::error(422, "bad_priority", "priority is low, normal, high or urgent");
  }
  Assist a;
  a.id = next_assist_++;
  a.agent = agent;
  a.teams = s->profile.teams;
  a.priority = prio;
  a.message = message;
  a.at_ms = wall_ms();
  assists_.push_back(a);
  while (assists_.size() > settings_.assist_kept) assists_.pop_front();
  json::array teams(a.teams.begin(), a.teams.end());
  const CallId call = resolve_call(*s, 0);
  publish(*s, "assist", json::object{{"id", a.id},
                                     {"priority", a.priority},
                                     {"message", a.message},
                                     {"teams", teams},
                                     {"call", call},
                                     {"state", agent_state::to_string(s->machine.state())}});
  return FloorResult{201, "", "", json::object{{"id", a.id}, {"priority", a.priority}}};
}

FloorResult Floor::assistance_seen(std::uint64_t id, const std::string& by) {
  for (auto& a : assists_) {
    if (a.id != id) continue;
    if (a.seen_at_ms == 0) {
      a.seen_by = by;
      a.seen_at_ms = wall_ms();
      // On the agent's stream (and the supervisors'): the receipt.
      hub_.publish("assist_seen", a.agent, a.teams,
                   json::serialize(json::object{{"id", a.id},
                                                {"agent_id", a.agent},
                                                {"seen_by", a.seen_by},
                                                {"at_ms", a.seen_at_ms}}));
    }
    return FloorResult::done({{"id", a.id}, {"seen_by", a.seen_by}, {"seen_at_ms", a.seen_at_ms}});
  }
  return FloorResult::error(404, "not_found", "no such assistance request");
}

FloorResult Floor::assistance_list(std::optional<std::int64_t> team) const {
  json::array items;
  for (auto it = assists_.rbegin(); it != assists_.rend(); ++it) {
    if (team && std::find(it->teams.begin(), it->teams.end(), *team) == it->teams.end()) continue;
    items.push_back(json::object{{"id", it->id},
                                 {"agent_id", it->agent},
                                 {"priority", it->priority},
                                 {"message", it->message},
                                 {"at_ms", it->at_ms},
                                 {"seen", it->seen_at_ms != 0},
                                 {"seen_by", it->seen_by},
                                 {"seen_at_ms", it->seen_at_ms}});
  }
  return FloorResult::done({{"items", std::move(items)}});
}

}  // namespace dialcore::control::floor
