#include "sim/agents/summary.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace dialcore::sim::agents {

namespace json = boost::json;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

namespace {

double rounded(double x, double step = 0.001) { return std::round(x / step) * step; }

json::object figures(const AgentSummary& a) {
  const PhoneCounts& p = a.phone;
  const MediaCounts& m = a.media;
  const FloorCounts& f = a.floor;
  json::object dispositions;
  for (const auto& [code, n] : f.dispositions) dispositions[code] = n;
  return json::object{
      {"registered", p.registered},
      {"register", json::object{{"ok", p.register_ok}, {"challenged_401", p.register_401},
                                {"forbidden_403", p.register_403}, {"too_brief_423", p.register_423},
                                {"other", p.register_other}, {"unregistered", p.unregistered}}},
      {"calls_offered", p.invites},
      {"calls_answered", p.answered},
      {"auto_answer_headers", p.auto_answer_headers},
      {"calls_refused", p.refused},
      {"reinvites", p.reinvites},
      {"holds", p.holds},
      {"byes_received", p.byes_received},
      {"byes_sent", p.byes_sent},
      {"talk_seconds", rounded(m.talk_seconds)},
      {"rtp_rx", m.rtp_rx},
      {"rtp_tx", m.rtp_tx},
      {"rtp_events_rx", m.rtp_events_rx},
      {"first_rtp_rx_ms_median", rounded(median(m.first_rx_ms), 0.1)},
      {"first_rtp_tx_ms_median", rounded(median(m.first_tx_ms), 0.1)},
      {"captures", m.captures},
      {"floor_logged_in", f.logged_in},
      {"floor_offers", f.offers},
      {"floor_answers", f.answers},
      {"on_call_seconds", rounded(f.on_call_seconds)},
      {"wraps", f.wraps},
      {"dispositions", std::move(dispositions)},
      {"pauses", f.pauses},
      {"payments", f.payments},
      {"events", f.events},
      {"reconnects", f.reconnects},
      {"logouts", f.logouts},
      {"state", f.state},
      {"errors", p.errors + f.errors},
  };
}

}  // namespace

std::string summary_json(const std::vector<AgentSummary>& agents) {
  json::array per_agent;
  AgentSummary total;
  std::uint64_t registered = 0;
  for (const auto& a : agents) {
    json::object o{{"agent", a.login}, {"sip_user", a.sip_user}};
    for (auto& [key, value] : figures(a)) o.emplace(key, std::move(value));
    if (!a.floor.last_error.empty()) o.emplace("last_error", a.floor.last_error);
    per_agent.push_back(std::move(o));
    registered += a.phone.registered ? 1 : 0;
    auto& p = total.phone;
    p.register_ok += a.phone.register_ok;
    p.register_401 += a.phone.register_401;
    p.register_403 += a.phone.register_403;
    p.register_423 += a.phone.register_423;
    p.register_other += a.phone.register_other;
    p.unregistered += a.phone.unregistered;
    p.invites += a.phone.invites;
    p.answered += a.phone.answered;
    p.auto_answer_headers += a.phone.auto_answer_headers;
    p.refused += a.phone.refused;
    p.reinvites += a.phone.reinvites;
    p.holds += a.phone.holds;
    p.byes_received += a.phone.byes_received;
    p.byes_sent += a.phone.byes_sent;
    p.errors += a.phone.errors;
    auto& m = total.media;
    m.talk_seconds += a.media.talk_seconds;
    m.rtp_rx += a.media.rtp_rx;
    m.rtp_tx += a.media.rtp_tx;
    m.rtp_events_rx += a.media.rtp_events_rx;
    m.first_rx_ms.insert(m.first_rx_ms.end(), a.media.first_rx_ms.begin(), a.media.first_rx_ms.end());
    m.first_tx_ms.insert(m.first_tx_ms.end(), a.media.first_tx_ms.begin(), a.media.first_tx_ms.end());
    m.captures += a.media.captures;
    auto& f = total.floor;
    f.logged_in = f.logged_in || a.floor.logged_in;
    f.offers += a.floor.offers;
    f.answers += a.floor.answers;
    f.on_call_seconds += a.floor.on_call_seconds;
    f.wraps += a.floor.wraps;
    for (const auto& [code, n] : a.floor.dispositions) f.dispositions[code] += n;
    f.pauses += a.floor.pauses;
    f.payments += a.floor.payments;
    f.events += a.floor.events;
    f.reconnects += a.floor.reconnects;
    f.logouts += a.floor.logouts;
    f.errors += a.floor.errors;
  }
  json::object t = figures(total);
  t["registered"] = registered;  // in the total: how many agents
  t["agents"] = agents.size();
  t.erase("state");
  t.erase("floor_logged_in");
  return json::serialize(json::object{{"agents", std::move(per_agent)}, {"total", std::move(t)}});
}

std::string summary_table(const std::vector<AgentSummary>& agents) {
  std::ostringstream o;
  o << "agent simulator summary\n";
  char line[512];
  std::snprintf(line, sizeof line, "  %-12s %-5s %-9s %-9s %-8s %-15s %-10s %-7s %-6s %-6s %s\n", "agent", "reg",
                "offered", "answered", "talk s", "rtp rx/tx", "1st rx ms", "wraps", "pauses", "errors",
                "state");
  o << line;
  for (const auto& a : agents) {
    std::snprintf(line, sizeof line, "  %-12s %-5s %-9llu %-9llu %-8.1f %7llu/%-7llu %-10.1f %-7llu %-6llu %-6llu %s\n",
                  a.login.c_str(), a.phone.registered ? "yes" : "no",
                  static_cast<unsigned long long>(a.phone.invites + a.floor.offers),
                  static_cast<unsigned long long>(a.phone.answered + a.floor.answers), a.media.talk_seconds,
                  static_cast<unsigned long long>(a.media.rtp_rx), static_cast<unsigned long long>(a.media.rtp_tx),
                  median(a.media.first_rx_ms), static_cast<unsigned long long>(a.floor.wraps),
                  static_cast<unsigned long long>(a.floor.pauses),
                  static_cast<unsigned long long>(a.phone.errors + a.floor.errors),
                  a.floor.state.empty() ? "-" : a.floor.state.c_str());
    o << line;
    if (!a.floor.last_error.empty()) o << "    last error: " << a.floor.last_error << "\n";
  }
  return o.str();
}

}  // namespace dialcore::sim::agents
