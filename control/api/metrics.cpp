#include "control/api/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace dialcore::control::api {

Metrics::Metrics()
    : bounds_{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5},
      buckets_(bounds_.size() + 1, 0) {}

void Metrics::record_request(const std::string& method, const std::string& route, unsigned status,
                             double seconds) {
  ++requests_[{method, route, status}];
  const auto i = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin());
  ++buckets_[i];
  latency_sum_ += seconds;
  ++latency_count_;
}

namespace {

std::int64_t agent_count(store::Store& s, std::vector<store::Condition> all) {
  store::Query q;
  q.all = std::move(all);
  auto r = s.agents().count(q);
  return r ? *r : -1;
}

}  // namespace

std::string Metrics::render(store::Store& store, std::size_t agent_sessions,
                            std::uint64_t session_store_errors) const {
  std::string out;
  char line[256];
  out += "# HELP dialcore_api_requests_total API requests by method, route pattern and status.\n";
  out += "# TYPE dialcore_api_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    std::snprintf(line, sizeof line,
                  "dialcore_api_requests_total{method=\"%s\",route=\"%s\",status=\"%u\"} %llu\n",
                  method.c_str(), route.c_str(), status, static_cast<unsigned long long>(n));
    out += line;
  }
  out += "# HELP dialcore_api_request_duration_seconds Time from a parsed request to its answer.\n";
  out += "# TYPE dialcore_api_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    cumulative += buckets_[i];
    if (i < bounds_.size()) {
      std::snprintf(line, sizeof line,
                    "dialcore_api_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds_[i],
                    static_cast<unsigned long long>(cumulative));
    } else {
      std::snprintf(line, sizeof line,
                    "dialcore_api_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                    static_cast<unsigned long long>(cumulative));
    }
    out += line;
  }
  std::snprintf(line, sizeof line,
                "dialcore_api_request_duration_seconds_sum %.6f\n"
                "dialcore_api_request_duration_seconds_count %llu\n",
                latency_sum_, static_cast<unsigned long long>(latency_count_));
  out += line;

  out +=
      "# HELP dialcore_store_errors_total Store failures (busy, full, I/O, corrupt) seen by the "
      "API.\n";
  out += "# TYPE dialcore_store_errors_total counter\n";
  out += "dialcore_store_errors_total " + std::to_string(store_errors_) + "\n";

  // Agents by account state (what the control plane knows without telephony: issue 8 adds
  // ready/paused/on-call once agents log in to a phone).
  const std::int64_t total = agent_count(store, {});
  const std::int64_t locked = agent_count(store, {{"locked", store::Match::Equals, true}});
  const std::int64_t disabled =
      agent_count(store, {{"login_enabled", store::Match::Equals, false}});
  out += "# HELP dialcore_agents Agents by account state.\n# TYPE dialcore_agents gauge\n";
  out += "dialcore_agents{state=\"total\"} " + std::to_string(total) + "\n";
  out += "dialcore_agents{state=\"locked\"} " + std::to_string(locked) + "\n";
  out += "dialcore_agents{state=\"disabled\"} " + std::to_string(disabled) + "\n";
  out += "dialcore_agents{state=\"logged_in\"} " + std::to_string(agent_sessions) + "\n";
  out += "# HELP dialcore_api_session_store_errors_total Agent sessions the store failed to keep "
         "(they live in memory until a restart).\n"
         "# TYPE dialcore_api_session_store_errors_total counter\n"
         "dialcore_api_session_store_errors_total " +
         std::to_string(session_store_errors) + "\n";
  for (const auto& source : sources_) source(out);
  return out;
}

}  // namespace dialcore::control::api
