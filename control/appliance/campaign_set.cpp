#include "control/appliance/campaign_set.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <utility>

#include "control/campaign/campaign_settings.hpp"
#include "control/campaign/ledger_rebuild.hpp"
#include "control/media/media_amd.hpp"
#include "dialler/pacing_strategy.hpp"

namespace dialcore::control::appliance {

namespace json = boost::json;

const char* run_state_name(RunState s) {
  switch (s) {
    case RunState::Stopped: return "stopped";
    case RunState::Running: return "running";
    case RunState::Paused: return "paused";
  }
  return "stopped";
}

namespace {
std::uint8_t recording_format(config::RecordingFormat f) {
  switch (f) {
    case config::RecordingFormat::WavStereo: return 0;
    case config::RecordingFormat::WavMono: return 1;
    case config::RecordingFormat::Opus: return 2;
  }
  return 0;
}
api::CampaignAnswer answer_error(unsigned status, std::string code, std::string message) {
  api::CampaignAnswer a;
  a.status = status;
  a.code = std::move(code);
  a.message = std::move(message);
  return a;
}
}  // namespace

CampaignSet::CampaignSet(PortContext& ctx, store::Store& store)
    : ctx_(ctx), store_(store), timer_(ctx.io) {}

CampaignSet::~CampaignSet() {
  stopped_ = true;
  timer_.cancel();
}

std::optional<std::int64_t> CampaignSet::store_id_of(const config::Campaign& c) {
  // dialcored seeds each configured campaign into the store under its name.
  store::Query q;
  q.all.push_back({"name", store::Match::Equals, c.name.empty() ? c.id : c.name});
  q.limit = 1;
  auto rows = store_.campaigns().list(q);
  if (!rows || rows->empty()) return std::nullopt;
  return rows->front().id;
}

void CampaignSet::apply(const config::Config& config) {
  recording_ = config.recording;
  organisation_zone_ = config.organisation.timezone;
  ring_timeout_s_ = static_cast<double>(config.sip.timers.invite_timeout_s);
  for (auto& [id, slot] : slots_) slot.configured = false;
  for (const config::Campaign& c : config.campaigns) {
    const auto id = store_id_of(c);
    if (!id) continue;  // not in the store (seed refused it): nothing to run
    auto [it, fresh] = slots_.try_emplace(*id);
    Slot& slot = it->second;
    slot.configured = true;
    slot.store_id = *id;
    const bool changed = !fresh && !(slot.config == c);
    slot.config = c;
    if (fresh && c.autostart) start(slot);
    if (changed && slot.runner) {
      // New settings take effect when no call is in flight: at the next start.
      slot.error = "configuration changed: stop and start to apply";
    }
  }
  for (auto& [id, slot] : slots_) {
    if (!slot.configured && slot.runner) {
      slot.runner->pause(true);
      slot.state = RunState::Stopped;
    }
  }
  arm();
}

bool CampaignSet::build(Slot& slot) {
  auto active = store_.campaigns().get(slot.store_id);
  if (!active) {
    slot.error = "the campaign is not in the store";
    return false;
  }
  if (!active->active) {
    slot.error = "the campaign is not active in the store";
    return false;
  }
  const config::Campaign& c = slot.config;
  slot.strategy = campaign::strategy_spec(c);
  std::string why;
  auto strategy = dialler::make_strategy(slot.strategy, campaign::pacing_of(c, ring_timeout_s_),
                                         &why);
  if (!strategy) {
    slot.error = "strategy " + slot.strategy + ": " + why;
    return false;
  }
  slot.leads = std::make_unique<campaign::StoreLeadSource>(
      store_, campaign::hopper_settings_of(c, slot.store_id, organisation_zone_),
      campaign::tz_database_offsets());
  PortCampaign pc;
  pc.config_id = c.id;
  pc.store_id = slot.store_id;
  pc.name = c.name;
  pc.record = c.record;
  pc.on_machine = c.amd.on_machine;
  pc.amd = c.amd.enabled;
  pc.amd_args = media::amd_args(c.amd);
  pc.recording_format = recording_format(recording_.format);
  pc.recording_rate_hz = static_cast<std::uint16_t>(recording_.sample_rate_hz);
  slot.port = std::make_unique<CampaignCallPort>(ctx_, std::move(pc));
  slot.runner = std::make_unique<campaign::CampaignRunner>(
      campaign::runner_settings_of(c, slot.store_id), std::move(strategy), *slot.leads,
      *slot.port);
  slot.port->set_runner(slot.runner.get());
  // The drop-rate windows go on from the store's attempts (after a restart, or a runner rebuilt
  // for new settings): never an empty ledger for a campaign that dialled (ledger_rebuild.hpp).
  auto rebuilt = campaign::rebuild_ledger(store_, slot.store_id, ctx_.wall_ms());
  if (!rebuilt) {
    slot.runner.reset();
    slot.port.reset();
    slot.leads.reset();
    slot.error = "the abandonment ledger could not be read from the store: " +
                 rebuilt.error().message;
    return false;
  }
  slot.runner->seed_ledger(rebuilt->facts);
  slot.error.clear();
  return true;
}

void CampaignSet::seed_ready_agents(Slot& slot) {
  const double now = now_s();
  for (const auto& [agent, state] : ctx_.floor.states()) {
    if (state != agent_state::State::Available) continue;
    for (const LinkedRunner& r : runners_of(agent)) {
      if (r.runner == slot.runner.get()) r.runner->agent_ready(agent, now);
    }
  }
}

api::CampaignAnswer CampaignSet::start(Slot& slot) {
  if (stopped_) return answer_error(409, "shutting_down", "the process is stopping");
  const bool fresh = !slot.runner;
  // A runner whose settings changed is rebuilt once its calls are over.
  if (slot.runner && !slot.error.empty() && slot.port->live() == 0) {
    slot.runner.reset();
    slot.port.reset();
    slot.leads.reset();
  }
  if (!slot.runner && !build(slot)) {
    return answer_error(409, "cannot_start", slot.error);
  }
  slot.state = RunState::Running;
  slot.runner->pause(false);
  if (fresh || slot.runner->ready_agents() == 0) seed_ready_agents(slot);
  slot.runner->tick(now_s());
  arm();
  api::CampaignAnswer a;
  a.body = stats(slot);
  return a;
}

api::CampaignAnswer CampaignSet::campaign_action(std::int64_t campaign_id,
                                                 std::string_view action) {
  const auto it = slots_.find(campaign_id);
  if (it == slots_.end()) {
    return answer_error(404, "not_found", "no configured campaign with that id");
  }
  Slot& slot = it->second;
  if (action == "start") return start(slot);
  if (action != "pause" && action != "stop") {
    return answer_error(404, "no_route", "no such campaign action");
  }
  if (slot.runner) slot.runner->pause(true);
  if (slot.runner || action == "stop") {
    slot.state = action == "pause" ? RunState::Paused : RunState::Stopped;
  }
  api::CampaignAnswer a;
  a.body = stats(slot);
  return a;
}

api::CampaignAnswer CampaignSet::campaign_stats(std::int64_t campaign_id) {
  const auto it = slots_.find(campaign_id);
  if (it == slots_.end()) {
    return answer_error(404, "not_found", "no configured campaign with that id");
  }
  api::CampaignAnswer a;
  a.body = stats(it->second);
  return a;
}

json::object CampaignSet::stats(const Slot& slot) const {
  json::object o{{"campaign_id", slot.store_id},
                 {"id", slot.config.id},
                 {"name", slot.config.name},
                 {"state", run_state_name(slot.state)},
                 {"strategy", slot.strategy}};
  if (!slot.error.empty()) o["error"] = slot.error;
  const campaign::RunnerCounters c = slot.runner ? slot.runner->counters()
                                                 : campaign::RunnerCounters{};
  o["dials"] = c.dials;
  o["answered"] = c.answered;
  o["machines"] = c.machines;
  o["bridged"] = c.bridged;
  o["abandoned"] = c.abandoned;
  o["connect_failures"] = c.connect_failures;
  o["taken_back"] = c.taken_back;
  o["ended"] = c.ended;
  o["no_leads"] = c.no_leads;
  double rate = 0;
  if (slot.runner) {
    const auto counts = slot.runner->ledger().counts(dialler::LedgerWindow::Rolling24h, now_s());
    rate = slot.config.abandon_ledger == config::AbandonLedger::Uk ? counts.uk_rate()
                                                                    : counts.us_rate();
    o["live_answers_24h"] = counts.live;
    o["abandoned_24h"] = counts.abandoned;
  }
  o["abandon_rate"] = rate;
  o["calls_in_flight"] = slot.runner ? slot.runner->calls_in_flight() : 0;
  o["ready_agents"] = slot.runner ? slot.runner->ready_agents() : 0;
  if (slot.port) {
    const PortCounters& p = slot.port->counters();
    o["abandon_messages"] = p.abandon_messages;
    o["abandon_silent"] = p.abandon_silent;
    o["recordings"] = p.recordings;
    o["recording_failures"] = p.recording_failures;
    o["agent_legs_failed"] = p.agent_legs_failed;
    o["machine_messages"] = p.machine_messages;  // amd.on_machine (campaign_machine.cpp)
    o["messages_left"] = p.messages_left;
    o["machine_beeps"] = p.machine_beeps;
    o["machine_beep_timeouts"] = p.machine_beep_timeouts;
    o["machine_action_hangup_instead"] = p.machine_action_hangup_instead;
    o["machines_to_agents"] = p.machines_to_agents;
  }
  return o;
}

std::vector<LinkedRunner> CampaignSet::runners_of(std::int64_t agent) {
  std::vector<LinkedRunner> out;
  bool any = false;
  for (const auto& [id, slot] : slots_) any = any || slot.runner != nullptr;
  if (!any) return out;
  auto a = store_.agents().get(agent);
  if (!a) return out;
  for (const auto& assignment : a->campaigns) {
    const auto it = slots_.find(assignment.campaign_id);
    if (it != slots_.end() && it->second.runner) {
      out.push_back({it->first, it->second.runner.get()});
    }
  }
  return out;
}

CampaignCallPort* CampaignSet::port_of(calls::CallHandle call) {
  for (auto& [id, slot] : slots_) {
    if (slot.port && slot.port->owns(call)) return slot.port.get();
  }
  return nullptr;
}

std::size_t CampaignSet::calls_in_flight() const {
  std::size_t n = 0;
  for (const auto& [id, slot] : slots_) n += slot.runner ? slot.runner->calls_in_flight() : 0;
  return n;
}

void CampaignSet::stop_all() {
  stopped_ = true;
  for (auto& [id, slot] : slots_) {
    if (slot.runner) slot.runner->pause(true);
    if (slot.state == RunState::Running) slot.state = RunState::Paused;
  }
  timer_.cancel();
}

void CampaignSet::arm() {
  if (stopped_) return;
  double wait_s = 1.0;
  const double now = now_s();
  for (const auto& [id, slot] : slots_) {
    if (!slot.runner) continue;
    if (const auto d = slot.runner->next_deadline()) wait_s = std::min(wait_s, *d - now);
  }
  wait_s = std::clamp(wait_s, 0.005, 1.0);
  timer_.expires_after(std::chrono::microseconds(static_cast<std::int64_t>(wait_s * 1e6)));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) on_tick();
  });
}

void CampaignSet::on_tick() {
  const double now = now_s();
  for (auto& [id, slot] : slots_) {
    if (slot.runner) slot.runner->tick(now);  // a paused runner still abandons on time
  }
  arm();
}

}  // namespace dialcore::control::appliance

namespace dialcore::control::appliance {

void CampaignSet::render_metrics(std::string& out) const {
  const auto line = [&out](const char* name, const char* type, const std::string& labels,
                           double value, bool head) {
    if (head) out += std::string("# TYPE ") + name + " " + type + "\n";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    out += std::string(name) + "{" + labels + "} " + buf + "\n";
  };
  struct Figure {
    const char* name;
    const char* type;
    double (*get)(const campaign::CampaignRunner&);
  };
  static constexpr Figure kFigures[] = {
      {"dialcore_campaign_dials_total", "counter",
       [](const campaign::CampaignRunner& r) { return double(r.counters().dials); }},
      {"dialcore_campaign_answered_total", "counter",
       [](const campaign::CampaignRunner& r) { return double(r.counters().answered); }},
      {"dialcore_campaign_machines_total", "counter",
       [](const campaign::CampaignRunner& r) { return double(r.counters().machines); }},
      {"dialcore_campaign_bridged_total", "counter",
       [](const campaign::CampaignRunner& r) { return double(r.counters().bridged); }},
      {"dialcore_campaign_abandoned_total", "counter",
       [](const campaign::CampaignRunner& r) { return double(r.counters().abandoned); }},
      {"dialcore_campaign_connect_failures_total", "counter",
       [](const campaign::CampaignRunner& r) { return double(r.counters().connect_failures); }},
      {"dialcore_campaign_calls_in_flight", "gauge",
       [](const campaign::CampaignRunner& r) { return double(r.calls_in_flight()); }},
      {"dialcore_campaign_ready_agents", "gauge",
       [](const campaign::CampaignRunner& r) { return double(r.ready_agents()); }},
  };
  for (const Figure& f : kFigures) {
    bool head = true;
    for (const auto& [id, slot] : slots_) {
      if (!slot.runner) continue;
      line(f.name, f.type, "campaign=\"" + slot.config.id + "\"", f.get(*slot.runner), head);
      head = false;
    }
  }
  bool head = true;
  for (const auto& [id, slot] : slots_) {
    line("dialcore_campaign_running", "gauge", "campaign=\"" + slot.config.id + "\"",
         slot.state == RunState::Running ? 1 : 0, head);
    head = false;
  }
}

}  // namespace dialcore::control::appliance
