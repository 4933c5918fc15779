#include "control/campaign/store_lead_source.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace dialcore::control::campaign {
namespace {

using store::Condition;
using store::Match;
using store::Query;

// SQLite nests an OR chain one level per term (SQLITE_MAX_EXPR_DEPTH is 1000): ask in chunks.
constexpr std::size_t kOrChunk = 100;
// A batch older than this is read again, so leads changed through the API (DNC, edits) are
// seen within this time.
constexpr std::int64_t kBatchMaxAgeMs = 10'000;

template <class T, class Key>
std::vector<T> list_any(store::Reader<T>& reader, std::vector<Condition> all, const char* field,
                        const std::vector<Key>& keys, HopperCounters& counters) {
  std::vector<T> out;
  for (std::size_t i = 0; i < keys.size(); i += kOrChunk) {
    Query q;
    q.all = all;
    for (std::size_t j = i; j < std::min(keys.size(), i + kOrChunk); ++j) {
      q.any.push_back({field, Match::Equals, keys[j]});
    }
    q.limit = 10'000;
    auto rows = reader.list(q);
    if (!rows) {
      ++counters.store_errors;
      continue;
    }
    out.insert(out.end(), rows->begin(), rows->end());
  }
  return out;
}

}  // namespace

std::optional<dialler::Disposition> disposition_of(const std::string& outcome) {
  using D = dialler::Disposition;
  static const std::map<std::string, D, std::less<>> kNames = {
      {"busy", D::Busy},           {"no_answer", D::NoAnswer}, {"machine", D::Machine},
      {"message_left", D::Machine},  // a machine that got the message: retried like one
      {"invalid", D::Invalid},     {"abandoned", D::Abandoned}, {"answered", D::Answered},
      {"failed", D::NoAnswer}};  // a carrier failure is retried like an unanswered call
  const auto it = kNames.find(outcome);
  if (it == kNames.end()) return std::nullopt;
  return it->second;
}

StoreLeadSource::StoreLeadSource(store::Store& store, HopperSettings settings,
                                 dialler::ZoneOffsetFn zone_offset)
    : store_(store), settings_(std::move(settings)), zone_offset_(std::move(zone_offset)) {}

std::optional<LeadPick> StoreLeadSource::next(std::int64_t now_ms) {
  if ((ready_.empty() && now_ms >= next_refill_ms_) || now_ms - batch_read_ms_ > kBatchMaxAgeMs) {
    refill(now_ms);
  }
  while (!ready_.empty()) {
    const dialler::Selection s = ready_.back();
    std::string number = std::move(ready_numbers_.back());
    ready_.pop_back();
    ready_numbers_.pop_back();
    if (!out_.insert(static_cast<std::int64_t>(s.lead_id)).second) continue;
    ++counters_.handed_out;
    return LeadPick{static_cast<std::int64_t>(s.lead_id), s.number_index, std::move(number)};
  }
  return std::nullopt;
}

void StoreLeadSource::release(std::int64_t lead_id) { out_.erase(lead_id); }

void StoreLeadSource::refill(std::int64_t now_ms) {
  ++counters_.refills;
  ready_.clear();
  ready_numbers_.clear();
  batch_read_ms_ = now_ms;
  next_refill_ms_ = now_ms + settings_.refill_every_ms;

  Query q;
  q.all = {{"campaign_id", Match::Equals, settings_.campaign_id},
           {"status", Match::Equals, std::string("new")},
           {"attempts", Match::Less, static_cast<std::int64_t>(settings_.rules.max_attempts)}};
  q.any = {{"next_call_at_ms", Match::IsNull, std::int64_t{0}},
           {"next_call_at_ms", Match::Less, now_ms + 1}};
  q.order_by = "attempts";
  q.limit = static_cast<std::int64_t>(std::min<std::size_t>(settings_.batch + out_.size(), 10'000));
  auto leads = store_.leads().list(q);
  if (!leads) {
    ++counters_.store_errors;
    return;
  }
  std::vector<store::Lead> fresh;
  for (auto& l : *leads) {
    if (out_.count(l.id) == 0 && fresh.size() < settings_.batch) fresh.push_back(std::move(l));
  }
  counters_.leads_read += fresh.size();
  if (fresh.empty()) return;

  std::vector<std::int64_t> ids;
  std::vector<std::string> numbers;
  for (const auto& l : fresh) {
    ids.push_back(l.id);
    for (const auto* p : {&l.phone1, &l.phone2, &l.phone3}) {
      if (!p->empty()) numbers.push_back(*p);
    }
  }
  const auto attempts = list_any(store_.attempts(),
                                 {{"campaign_id", Match::Equals, settings_.campaign_id}},
                                 "lead_id", ids, counters_);
  std::map<std::pair<std::int64_t, std::string>, std::vector<dialler::Attempt>> history;
  for (const auto& a : attempts) {
    if (const auto d = disposition_of(a.outcome)) {
      history[{a.lead_id, a.phone}].push_back({a.started_at_ms / 1000, *d});
    }
  }
  dialler::DncList dnc;
  for (const auto& e : list_any(store_.dnc(), {}, "phone", numbers, counters_)) dnc.add(e.phone);

  std::vector<dialler::LeadCandidate> candidates;
  for (const auto& l : fresh) {
    dialler::LeadCandidate c;
    c.lead_id = static_cast<std::uint64_t>(l.id);
    // The query's order (fewest counted attempts first) breaks the hopper's ties: a lead's
    // attempt rows may be fewer than its counter (imported lists carry their own counts).
    c.load_seq = candidates.size();
    for (const auto* p : {&l.phone1, &l.phone2, &l.phone3}) {
      dialler::PhoneNumber n;  // an empty slot stays as a complete number: indexes match phoneN
      n.e164 = *p;
      n.complete = p->empty();
      n.zone = l.timezone.empty() ? settings_.default_zone : l.timezone;
      if (auto h = history.find({l.id, *p}); h != history.end()) n.attempts = h->second;
      c.numbers.push_back(std::move(n));
    }
    candidates.push_back(std::move(c));
  }
  dialler::HopperQuery hq;
  hq.now_s = now_ms / 1000;
  hq.max = settings_.batch;
  auto picked = dialler::select_leads(candidates, settings_.rules, dnc, zone_offset_, hq);
  // Handed out from the back: reverse so the hopper's first choice goes first.
  std::reverse(picked.begin(), picked.end());
  for (const auto& s : picked) {
    const auto& c = *std::find_if(candidates.begin(), candidates.end(),
                                  [&](const auto& x) { return x.lead_id == s.lead_id; });
    if (s.preview) continue;  // callbacks are presented to agents, not dialled blind
    ready_.push_back(s);
    ready_numbers_.push_back(c.numbers[s.number_index].e164);
  }
}

}  // namespace dialcore::control::campaign
