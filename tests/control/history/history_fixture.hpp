#pragma once
// A store with one campaign, its wrap codes and some leads, for the call history tests.

#include <boost/json.hpp>

#include <mutex>
#include <string>
#include <vector>

#include "control/history/call_history.hpp"
#include "control/history/recovery.hpp"
#include "tests/control/store/store_fixture.hpp"

namespace dialcore::test {

namespace history = dialcore::control::history;

struct HistoryWorld {
  std::int64_t campaign = 0;
  std::vector<std::int64_t> leads;
};

// Campaign "Spring" (max_attempts), wrap codes sale (completes the number) and later (does not),
// `leads` leads with numbers +4477009000NN..., all in one transaction.
inline HistoryWorld seed_world(store::Store& s, int leads, std::int64_t max_attempts = 3) {
  HistoryWorld w;
  auto r = s.transaction([&]() -> store::Result<void> {
    store::Campaign c;
    c.name = "Spring";
    c.max_attempts = max_attempts;
    if (auto e = s.campaigns().create(c, kAdmin); !e) return e;
    w.campaign = c.id;
    store::WrapCode sale;
    sale.name = "Sale";
    sale.code = "sale";
    sale.completes_number = true;
    if (auto e = s.wrap_codes().create(sale, kAdmin); !e) return e;
    store::WrapCode later;
    later.name = "Call later";
    later.code = "later";
    if (auto e = s.wrap_codes().create(later, kAdmin); !e) return e;
    for (int i = 0; i < leads; ++i) {
      store::Lead l;
      l.campaign_id = c.id;
      l.phone1 = "+44770090" + std::to_string(10000 + i);
      if (auto e = s.leads().create(l, kAdmin); !e) return e;
      w.leads.push_back(l.id);
    }
    return {};
  });
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return w;
}

inline history::LegStart outbound(const std::string& call_id, const HistoryWorld& w,
                                  std::int64_t lead) {
  history::LegStart leg;
  leg.call_id = call_id;
  leg.direction = "outbound";
  leg.from_number = "+442071234567";
  leg.to_number = "+447700900123";
  leg.campaign_id = w.campaign;
  leg.lead_id = lead;
  return leg;
}

// Collects what the writer rejects (on the writer thread) for the test thread to look at.
class RejectLog {
 public:
  history::WriterOptions options(history::WriterOptions o = {}) {
    o.on_rejected = [this](const history::Rejected& r) {
      std::lock_guard lock(mutex_);
      seen_.push_back(r);
    };
    return o;
  }
  std::vector<history::Rejected> all() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  // The error code of the newest rejection; Invalid with no rejection at all is never a match
  // for these tests, which expect NotFound/Conflict/Duplicate/Invalid for a named call.
  store::Errc last_code(const std::string& call_id) const {
    std::lock_guard lock(mutex_);
    for (auto it = seen_.rbegin(); it != seen_.rend(); ++it) {
      if (it->call_id == call_id) return it->error.code;
    }
    return store::Errc::Corrupt;  // none for that call
  }

 private:
  mutable std::mutex mutex_;
  std::vector<history::Rejected> seen_;
};

inline std::vector<std::string> event_types(const store::Cdr& c) {
  std::vector<std::string> out;
  const boost::json::value events = boost::json::parse(c.events_json);
  for (const auto& e : events.as_array()) {
    out.emplace_back(e.as_object().at("type").as_string());
  }
  return out;
}

inline store::Query where(const std::string& field, store::Value v) {
  store::Query q;
  q.all.push_back({field, store::Match::Equals, std::move(v)});
  q.limit = 10000;
  return q;
}

}  // namespace dialcore::test
