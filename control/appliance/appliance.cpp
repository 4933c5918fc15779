#include "control/appliance/appliance.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <utility>

#include "control/api/router.hpp"
#include "control/appliance/agent_voice.hpp"
#include "control/appliance/call_book.hpp"
#include "control/appliance/call_in_line.hpp"
#include "control/appliance/campaign_call_port.hpp"
#include "control/appliance/campaign_set.hpp"
#include "control/appliance/floor_call_control.hpp"
#include "control/appliance/floor_link.hpp"
#include "control/appliance/inbound_router.hpp"
#include "control/appliance/queue_router.hpp"
#include "control/calls/call_controller.hpp"
#include "control/calls/call_metrics.hpp"
#include "control/floor/floor.hpp"
#include "control/floor/payment.hpp"

namespace dialcore::control::appliance {

namespace {

floor::FloorSettings floor_settings_of(const config::Config& c) {
  floor::FloorSettings s;
  s.require_pause_reason = c.organisation.require_pause_reason;
  for (const config::PauseReason& p : c.pause_reasons) {
    s.pause_reasons.push_back({p.code, p.enforced});
    if (p.auto_pause) s.auto_pause_code = p.code;
  }
  return s;
}

std::string first_wrap_code(const config::Config& c) {
  return c.wrap_codes.empty() ? std::string() : c.wrap_codes.front().code;
}

}  // namespace

namespace {

// One deferred floor answer: checks every 2 ms whether the history has committed `target`.
struct DurableWait : std::enable_shared_from_this<DurableWait> {
  DurableWait(boost::asio::io_context& io, history::CallHistory& h, std::uint64_t t,
              std::function<void()> done)
      : timer(io), history(h), target(t), then(std::move(done)),
        deadline(std::chrono::steady_clock::now() + std::chrono::seconds(5)) {}
  void check() {
    if (history.done_through() >= target || std::chrono::steady_clock::now() >= deadline) {
      auto t = std::move(then);
      return t();
    }
    timer.expires_after(std::chrono::milliseconds(2));
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
      if (!e) self->check();
    });
  }
  boost::asio::steady_timer timer;
  history::CallHistory& history;
  std::uint64_t target;
  std::function<void()> then;
  std::chrono::steady_clock::time_point deadline;
};

}  // namespace

struct Appliance::Impl {
  Impl(ApplianceDeps d, const config::Config& config)
      : deps(std::move(d)),
        calls(deps.sip, deps.media, deps.history, call_settings(config)),
        gateway(deps.wall_ms),
        voice(deps.io, calls, deps.sip, [this](std::int64_t a) { return handset(a); },
              deps.prompt_clip, deps.wall_ms),
        control(deps.io, calls, deps.media, [this](floor::AgentId a) { return handset(a); }),
        directory(deps.store, first_wrap_code(config)),
        floor(deps.io, floor_settings_of(config), directory, control, gateway),
        routes(floor),
        ctx{deps.io,    calls,         deps.sip, deps.media, floor, book, deps.wall_ms,
            deps.prompt_clip, [this](std::int64_t a) { return handset(a); }, voice},
        campaigns(ctx, deps.store),
        link(book, deps.history, deps.wall_ms,
             [this](std::int64_t agent) { return campaigns.runners_of(agent); }),
        call_in(deps.io, calls, deps.store, voice, config.sip.realm),
        queues(deps.io, calls, floor, deps.store, book, voice, deps.prompt_clip, config),
        inbound(calls, floor, book, voice, queues, call_in,
                [this](std::int64_t a) { return handset(a); }) {
    control.set_floor(&floor);
    control.set_transfers({deps.sip, deps.store, book, deps.prompt_clip, config,
                           [this](calls::CallHandle call, const std::string& queue,
                                  floor::AgentId from) {
                             return queues.transfer_in(call, queue, from);
                           }});
    control.set_voice(&voice);
    control.set_queue_of([this](calls::CallHandle call) { return queues.queue_of(call); });
    voice.set_floor(&floor);
    queues.set_wall_clock(deps.wall_ms);
    apply_voice(config);
    floor.set_listener([this](floor::AgentId agent, const agent_state::Transition& t,
                              const std::string& notes) {
      link.on_transition(agent, t, notes);
      // The floor is called back only through posted work (its listener's contract).
      boost::asio::post(deps.io, [this, agent, t] {
        if (t.cause == agent_state::Cause::RingTimeout && t.call != 0) {
          // A transfer target's handset (its alias): given up, the customer goes back.
          if (CallTransfers* tr = control.transfers(); tr == nullptr || !tr->ring_timeout(t.call)) {
            voice.ring_timeout(book.handle_of(t.call));
          }
        }
        queues.on_transition(agent, t);
      });
    });
    inbound.install();
    calls.set_amd_handler([this](calls::CallHandle call, calls::Side side,
                                 const dataplane::AmdEventArgs& a) { on_amd_event(call, side, a); });
    campaigns.apply(config);
  }

  void apply_voice(const config::Config& config) {
    voice.set_phone_trunk(config.organisation.agent_phone_trunk);
    call_in.set_numbers(config.organisation.call_in_numbers);
  }

  calls::CallSettings call_settings(const config::Config& config) {
    calls::CallSettings cs;
    cs.sip = config.sip;
    cs.now_ms = deps.wall_ms;
    return cs;
  }

  // A verdict on a customer leg: MACHINE, FAX and SIT are machines (dropped); HUMAN, NOTSURE
  // and SILENCE go to an agent (a person must never be dropped for a doubtful verdict; the
  // agent dispositions dead air). Beeps are not verdicts: they go to the campaign's port (a
  // message left after the beep, campaign_machine.cpp).
  void on_amd_event(calls::CallHandle call, calls::Side side, const dataplane::AmdEventArgs& a) {
    if (side != calls::Side::Customer) return;
    if (a.beep || a.beep_end) {
      if (CampaignCallPort* port = call != 0 ? campaigns.port_of(call) : nullptr) {
        port->beep(call, a.beep_end);
      }
      return;
    }
    using R = dataplane::AmdResultCode;
    if (a.result == R::Undecided) return;
    const bool machine = a.result == R::Machine || a.result == R::Fax || a.result == R::Sit;
    amd(call, machine, a.correction);
  }

  void amd(calls::CallHandle call, bool machine, bool correction) {
    CampaignCallPort* port = call != 0 ? campaigns.port_of(call) : nullptr;
    if (port == nullptr) {
      if (call != 0) calls.record_amd(call, machine ? "machine" : "human");
      return;
    }
    port->amd(call, machine ? campaign::AmdVerdict::Machine : campaign::AmdVerdict::Human,
              correction);
  }

  std::optional<std::string> handset(std::int64_t agent) {
    auto a = deps.store.agents().get(agent);
    if (!a || a->sip_username.empty()) return std::nullopt;
    return a->sip_username;
  }

  ApplianceDeps deps;
  calls::CallController calls;
  floor::TestGateway gateway;
  AgentVoice voice;
  FloorCallControl control;
  api::StoreFloorDirectory directory;
  floor::Floor floor;
  api::FloorRoutes routes;
  CallBook book;
  PortContext ctx;
  CampaignSet campaigns;
  FloorLink link;
  CallInLine call_in;
  QueueRouter queues;
  InboundRouter inbound;
  std::unique_ptr<boost::asio::steady_timer> stop_timer;
  std::function<void()> stop_done;
  std::chrono::steady_clock::time_point stop_deadline;
  bool stopping = false;

  // Runs `then` once every history report accepted so far is committed (a floor action's
  // disposition or CDR events), polled every 2 ms on the control thread; bounded to 5 s so a
  // store that keeps failing (its writer retries) delays an agent's answer, never hangs it.
  void after_durable(std::function<void()> then) {
    if (deps.history == nullptr) return then();
    const std::uint64_t target = deps.history->accepted_through();
    if (deps.history->done_through() >= target) return then();
    auto wait = std::make_shared<DurableWait>(deps.io, *deps.history, target, std::move(then));
    wait->check();
  }

  // Done once every call's legs are gone (their CDRs are then queued), or at the deadline.
  void poll_stop() {
    if (calls.live_calls() == 0 || std::chrono::steady_clock::now() >= stop_deadline) {
      if (auto d = std::move(stop_done)) {
        stop_done = nullptr;
        d();
      }
      return;
    }
    stop_timer->expires_after(std::chrono::milliseconds(20));
    stop_timer->async_wait([this](boost::system::error_code ec) {
      if (!ec) poll_stop();
    });
  }
};

Appliance::Appliance(ApplianceDeps deps, const config::Config& config)
    : impl_(std::make_unique<Impl>(std::move(deps), config)) {}

Appliance::~Appliance() = default;

void Appliance::on_sip_event(const sip::SipEvent& e) {
  // A standing voice leg's answer is programmed there; everything else is the B2BUA's.
  if (!impl_->calls.on_standing_event(e)) impl_->calls.on_sip_event(e);
}

api::FloorRoutes& Appliance::floor_routes() { return impl_->routes; }
api::CampaignControl& Appliance::campaigns() { return impl_->campaigns; }
floor::Floor& Appliance::floor() { return impl_->floor; }
calls::CallController& Appliance::calls() { return impl_->calls; }
AgentVoice& Appliance::voice() { return impl_->voice; }
QueueRouter& Appliance::queues() { return impl_->queues; }
CallInLine& Appliance::call_in_line() { return impl_->call_in; }

void Appliance::attach(api::Router& router) {
  router.set_floor(&impl_->routes);
  router.set_floor_durable([this](std::function<void()> then) { impl_->after_durable(std::move(then)); });
  router.set_campaigns(&impl_->campaigns);
  router.set_queues(&impl_->queues);
}

void Appliance::apply(const config::Config& config) {
  impl_->floor.apply(floor_settings_of(config));
  impl_->apply_voice(config);  // queues are read at start (a restart applies them)
  impl_->campaigns.apply(config);
}

void Appliance::on_amd(const media::MediaLeg& leg, bool machine, bool correction) {
  impl_->amd(impl_->calls.call_of_leg(leg, calls::Side::Customer), machine, correction);
}

void Appliance::stop(std::function<void()> done) {
  Impl& m = *impl_;
  if (m.stopping) return;
  m.stopping = true;
  m.stop_done = std::move(done);
  m.stop_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  m.stop_timer = std::make_unique<boost::asio::steady_timer>(m.deps.io);
  m.campaigns.stop_all();
  m.calls.hangup_all();
  boost::asio::post(m.deps.io, [&m] { m.poll_stop(); });
}

void Appliance::render_metrics(std::string& out) const {
  const Impl& m = *impl_;
  calls::append_call_metrics(m.calls.counters(), m.calls.live_calls(), out);
  const VoiceCounters& v = m.voice.counters();
  const QueueCounters& q = m.queues.counters();
  for (const auto& [name, value] :
       {std::pair<const char*, std::uint64_t>{"dialcore_voice_standing_opened_total", v.standing_opened},
        {"dialcore_voice_standing_lost_total", v.standing_lost},
        {"dialcore_voice_beeps_total", v.beeps_ended},
        {"dialcore_voice_ring_timeouts_total", v.ring_timeouts},
        {"dialcore_call_in_accepted_total", m.call_in.counters().accepted},
        {"dialcore_call_in_refused_total", m.call_in.counters().refused},
        {"dialcore_queue_calls_enqueued_total", q.enqueued},
        {"dialcore_queue_calls_answered_total", q.answered},
        {"dialcore_queue_calls_abandoned_total", q.abandoned},
        {"dialcore_queue_overflows_total", q.overflows}}) {
    out += "# TYPE " + std::string(name) + " counter\n" + name + " " + std::to_string(value) + "\n";
  }
  m.campaigns.render_metrics(out);
  render_floor_metrics(out);
}

// Agents by telephony state and each inbound queue's depth (issue 6, metrics): gauges read at
// the scrape from the floor and the ACD; every state is listed, 0 included, so a dashboard's
// series never vanish. ~1 µs per logged-in agent and per queue, on the control thread.
void Appliance::render_floor_metrics(std::string& out) const {
  Impl& m = *impl_;
  std::array<std::uint32_t, agent_state::kStateCount> by_state{};
  for (const auto& [agent, state] : m.floor.states()) ++by_state[static_cast<std::size_t>(state)];
  out += "# HELP dialcore_floor_agents Agents on the floor by telephony state.\n"
         "# TYPE dialcore_floor_agents gauge\n";
  for (std::size_t i = 0; i < by_state.size(); ++i) {
    out += "dialcore_floor_agents{state=\"";
    out += agent_state::to_string(static_cast<agent_state::State>(i));
    out += "\"} " + std::to_string(by_state[i]) + "\n";
  }
  const std::vector<QueueView> views = m.queues.views();
  out += "# HELP dialcore_queue_waiting Calls waiting in the queue now (ringing included).\n"
         "# TYPE dialcore_queue_waiting gauge\n";
  for (const QueueView& q : views) {
    out += "dialcore_queue_waiting{queue=\"" + q.id + "\"} " + std::to_string(q.stats.waiting) + "\n";
  }
  out += "# HELP dialcore_queue_longest_wait_seconds The longest wait of the calls waiting now.\n"
         "# TYPE dialcore_queue_longest_wait_seconds gauge\n";
  for (const QueueView& q : views) {
    out += "dialcore_queue_longest_wait_seconds{queue=\"" + q.id + "\"} " +
           std::to_string(static_cast<double>(q.stats.longest_wait_ms) / 1000.0) + "\n";
  }
  out += "# HELP dialcore_queue_agents_available Agents ready for the queue's next call.\n"
         "# TYPE dialcore_queue_agents_available gauge\n";
  for (const QueueView& q : views) {
    out += "dialcore_queue_agents_available{queue=\"" + q.id + "\"} " +
           std::to_string(q.agents_available) + "\n";
  }
}

}  // namespace dialcore::control::appliance
