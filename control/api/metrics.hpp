#pragma once
// The control plane's Prometheus metrics: API requests by route pattern, method and status; an
// API latency histogram; store failures. Agents by state are read from the store at scrape
// time (metrics.cpp). The dataplane's worker counters come through `Metrics::add_source`: the
// composition root registers a function that appends their text (a hook, no dataplane
// dependency here). Control thread only.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "control/store/store.hpp"

namespace dialcore::control::api {

class Metrics {
 public:
  Metrics();
  void record_request(const std::string& method, const std::string& route, unsigned status,
                      double seconds);
  void store_error() { ++store_errors_; }
  // Appends Prometheus text (with its # HELP/# TYPE lines) to the scrape.
  void add_source(std::function<void(std::string&)> source) {
    sources_.push_back(std::move(source));
  }
  std::string render(store::Store& store, std::size_t agent_sessions,
                     std::uint64_t session_store_errors) const;

 private:
  std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> requests_;
  std::vector<double> bounds_;          // seconds
  std::vector<std::uint64_t> buckets_;  // cumulative at render; per-bucket here
  double latency_sum_ = 0;
  std::uint64_t latency_count_ = 0;
  std::uint64_t store_errors_ = 0;
  std::vector<std::function<void(std::string&)>> sources_;
};

}  // namespace dialcore::control::api
