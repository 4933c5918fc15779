#include "control/history/history_rows.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace dialcore::control::history::rows {

namespace json = boost::json;
using store::Condition;
using store::Match;
using store::Query;

namespace {

Query newest(std::vector<Condition> all) {
  Query q;
  q.all = std::move(all);
  q.order_by = "id";
  q.descending = true;
  q.limit = 1;
  return q;
}

template <class T>
store::Result<std::optional<T>> first_of(store::Result<std::vector<T>> rows) {
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<T>{};
  return std::optional<T>{std::move(rows->front())};
}

}  // namespace

store::Result<store::Cdr> leg_cdr(store::Store& s, std::string_view call_id, std::string_view leg) {
  auto found = first_of(s.cdrs().list(newest({{"call_id", Match::Equals, std::string(call_id)},
                                              {"leg", Match::Equals, std::string(leg)}})));
  if (!found) return found.error();
  if (!*found) {
    return store::Error{store::Errc::NotFound,
                        "no CDR for call " + std::string(call_id) + " leg " + std::string(leg)};
  }
  return std::move(**found);
}

store::Result<std::optional<store::Attempt>> call_attempt(store::Store& s, std::string_view call_id,
                                                          std::int64_t lead_id) {
  return first_of(s.attempts().list(newest(
      {{"call_id", Match::Equals, std::string(call_id)}, {"lead_id", Match::Equals, lead_id}})));
}

store::Result<std::optional<store::Attempt>> last_attempt(store::Store& s, std::int64_t lead_id) {
  return first_of(s.attempts().list(newest({{"lead_id", Match::Equals, lead_id}})));
}

void append_event(store::Cdr& cdr, std::int64_t at_ms, std::string_view type,
                  const json::object& extra) {
  json::error_code ec;
  json::value v = json::parse(cdr.events_json, ec);
  if (ec || !v.is_array()) v = json::array{};
  json::object e;
  e["at_ms"] = at_ms;
  e["type"] = type;
  for (const auto& kv : extra) e[kv.key()] = kv.value();
  v.get_array().push_back(std::move(e));
  cdr.events_json = json::serialize(v);
}

std::int64_t last_known_ms(const store::Cdr& cdr) {
  std::int64_t last = std::max(cdr.started_at_ms, cdr.answered_at_ms.value_or(0));
  json::error_code ec;
  const json::value v = json::parse(cdr.events_json, ec);
  if (ec || !v.is_array()) return last;
  for (const auto& e : v.get_array()) {
    const auto* o = e.if_object();
    const json::value* at = o ? o->if_contains("at_ms") : nullptr;
    if (at && at->is_int64()) last = std::max(last, at->get_int64());
  }
  return last;
}

store::Result<void> settle_lead(store::Store& s, std::int64_t lead_id, std::string_view outcome,
                                std::int64_t base_ms, const RetryPolicy& policy,
                                const store::Actor& actor) {
  auto lead = s.leads().get(lead_id);
  if (!lead) return lead.code() == store::Errc::NotFound ? store::Result<void>{} : lead.error();
  if (lead->status != "in_progress") return {};
  auto campaign = s.campaigns().get(lead->campaign_id);
  if (!campaign) return campaign.error();
  const LeadFate fate =
      lead_after_attempt(outcome, lead->attempts, campaign->max_attempts, base_ms, policy);
  lead->status = fate.status;
  lead->next_call_at_ms = fate.next_call_at_ms;
  return s.leads().update(*lead, actor);
}

}  // namespace dialcore::control::history::rows
