#include "control/campaign/ledger_rebuild.hpp"

#include <algorithm>
#include <optional>

namespace dialcore::control::campaign {

namespace {

constexpr std::int64_t kKeepMs = 32LL * 86'400'000;  // AbandonLedger keeps 32 days
constexpr std::int64_t kPage = 10'000;

std::optional<dialler::LedgerFactKind> fact_of(const store::Attempt& a) {
  using K = dialler::LedgerFactKind;
  if (a.outcome == "abandoned") return K::Abandon;
  if (a.agent_id) return K::LiveAnswer;
  if (a.amd == "machine") return K::AmdMachine;
  if (a.outcome == "interrupted") return K::Abandon;
  return std::nullopt;
}

}  // namespace

store::Result<LedgerRebuild> rebuild_ledger(store::Store& s, std::int64_t campaign_id,
                                            std::int64_t now_ms) {
  LedgerRebuild out;
  std::int64_t after = 0;
  for (;;) {
    store::Query q;
    q.all.push_back({"campaign_id", store::Match::Equals, campaign_id});
    q.all.push_back({"started_at_ms", store::Match::AtLeast, now_ms - kKeepMs});
    q.all.push_back({"answered_at_ms", store::Match::AtLeast, std::int64_t{0}});
    q.all.push_back({"id", store::Match::AtLeast, after + 1});
    q.limit = kPage;
    auto page = s.attempts().list(q);
    if (!page) return page.error();
    for (const store::Attempt& a : *page) {
      ++out.attempts_read;
      const auto kind = fact_of(a);
      if (!kind) continue;
      if (a.outcome == "interrupted" && !a.agent_id && a.amd != "machine") ++out.interrupted;
      out.facts.push_back({static_cast<double>(*a.answered_at_ms) / 1000.0, *kind});
    }
    if (static_cast<std::int64_t>(page->size()) < kPage) break;
    after = page->back().id;
  }
  std::stable_sort(out.facts.begin(), out.facts.end(),
                   [](const dialler::LedgerFact& x, const dialler::LedgerFact& y) {
                     return x.t_s < y.t_s;
                   });
  return out;
}

}  // namespace dialcore::control::campaign
