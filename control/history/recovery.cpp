#include "control/history/recovery.hpp"

#include <boost/json/object.hpp>

#include <algorithm>

#include "control/history/history_rows.hpp"

namespace dialcore::control::history {

namespace {

using store::Errc;
using store::Match;
using store::Query;

Query open_rows() {
  Query q;
  q.all.push_back({"ended_at_ms", Match::IsNull, std::int64_t{0}});
  q.limit = 1000;
  return q;
}

}  // namespace

store::Result<RecoveryReport> recover(store::Store& s, std::int64_t now_ms,
                                      const RetryPolicy& policy) {
  RecoveryReport report;
  const store::Actor actor{"system:recovery", now_ms};
  auto r = s.transaction([&]() -> store::Result<void> {
    // Each pass closes what it read, so the next read returns the rest.
    for (;;) {
      auto cdrs = s.cdrs().list(open_rows());
      if (!cdrs) return cdrs.error();
      if (cdrs->empty()) break;
      for (auto& c : *cdrs) {
        const std::int64_t last = rows::last_known_ms(c);
        c.ended_at_ms = last;
        c.hangup_cause = "interrupted";
        rows::append_event(c, last, "interrupted");
        if (auto u = s.cdrs().update(c, actor); !u) return u;
        ++report.cdrs_closed;
      }
    }
    for (;;) {
      auto attempts = s.attempts().list(open_rows());
      if (!attempts) return attempts.error();
      if (attempts->empty()) break;
      for (auto& a : *attempts) {
        a.ended_at_ms = std::max(a.started_at_ms, a.answered_at_ms.value_or(0));
        if (a.outcome.empty()) a.outcome = "interrupted";
        if (auto u = s.attempts().update(a, actor); !u) return u;
        ++report.attempts_closed;
      }
    }
    Query busy;
    busy.all.push_back({"status", Match::Equals, std::string("in_progress")});
    busy.limit = 1000;
    for (;;) {
      auto leads = s.leads().list(busy);
      if (!leads) return leads.error();
      if (leads->empty()) break;
      for (auto& lead : *leads) {
        auto last = rows::last_attempt(s, lead.id);
        if (!last) return last.error();
        if (*last) {
          const auto& a = **last;
          const std::int64_t base =
              a.outcome == "interrupted" ? now_ms : a.ended_at_ms.value_or(now_ms);
          if (auto u = rows::settle_lead(s, lead.id, a.outcome, base, policy, actor); !u) return u;
        } else {
          lead.status = "new";
          if (auto u = s.leads().update(lead, actor); !u) return u;
        }
        ++report.leads_released;
      }
    }
    return {};
  });
  if (!r) return r.error();
  return report;
}

}  // namespace dialcore::control::history
