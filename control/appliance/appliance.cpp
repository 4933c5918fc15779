#include "control/appliance/appliance.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <utility>

#include "control/api/router.hpp"
#include "control/appliance/call_book.hpp"
#include "control/appliance/campaign_call_port.hpp"
#include "control/appliance/campaign_set.hpp"
#include "control/appliance/floor_call_control.hpp"
#include "control/appliance/floor_link.hpp"
#include "control/appliance/inbound_router.hpp"
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

struct Appliance::Impl {
  Impl(ApplianceDeps d, const config::Config& config)
      : deps(std::move(d)),
        calls(deps.sip, deps.media, deps.history, call_settings(config)),
        gateway(deps.wall_ms),
        control(deps.io, calls, deps.media, [this](floor::AgentId a) { return handset(a); }),
        directory(deps.store, first_wrap_code(config)),
        floor(deps.io, floor_settings_of(config), directory, control, gateway),
        routes(floor),
        ctx{deps.io,    calls,         deps.sip, deps.media, floor, book, deps.wall_ms,
            deps.prompt_clip, [this](std::int64_t a) { return handset(a); }},
        campaigns(ctx, deps.store),
        link(book, deps.history, deps.wall_ms,
             [this](std::int64_t agent) { return campaigns.runners_of(agent); }),
        inbound(calls, floor, deps.sip, book, [this](std::int64_t a) { return handset(a); }) {
    control.set_floor(&floor);
    control.set_transfers({deps.sip, deps.store, book, deps.prompt_clip, config});
    floor.set_listener([this](floor::AgentId agent, const agent_state::Transition& t,
                              const std::string& notes) { link.on_transition(agent, t, notes); });
    inbound.install();
    calls.set_amd_handler([this](calls::CallHandle call, calls::Side side,
                                 const dataplane::AmdEventArgs& a) { on_amd_event(call, side, a); });
    campaigns.apply(config);
  }

  calls::CallSettings call_settings(const config::Config& config) {
    calls::CallSettings cs;
    cs.sip = config.sip;
    cs.now_ms = deps.wall_ms;
    return cs;
  }

  // A verdict on a customer leg: MACHINE, FAX and SIT are machines (dropped); HUMAN, NOTSURE
  // and SILENCE go to an agent (a person must never be dropped for a doubtful verdict; the
  // agent dispositions dead air). Beep onsets are not verdicts.
  void on_amd_event(calls::CallHandle call, calls::Side side, const dataplane::AmdEventArgs& a) {
    if (side != calls::Side::Customer || a.beep || a.beep_end) return;
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
  FloorCallControl control;
  api::StoreFloorDirectory directory;
  floor::Floor floor;
  api::FloorRoutes routes;
  CallBook book;
  PortContext ctx;
  CampaignSet campaigns;
  FloorLink link;
  InboundRouter inbound;
  std::unique_ptr<boost::asio::steady_timer> stop_timer;
  std::function<void()> stop_done;
  std::chrono::steady_clock::time_point stop_deadline;
  bool stopping = false;

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

void Appliance::on_sip_event(const sip::SipEvent& e) { impl_->calls.on_sip_event(e); }

api::FloorRoutes& Appliance::floor_routes() { return impl_->routes; }
api::CampaignControl& Appliance::campaigns() { return impl_->campaigns; }
floor::Floor& Appliance::floor() { return impl_->floor; }
calls::CallController& Appliance::calls() { return impl_->calls; }

void Appliance::attach(api::Router& router) {
  router.set_floor(&impl_->routes);
  router.set_campaigns(&impl_->campaigns);
}

void Appliance::apply(const config::Config& config) {
  impl_->floor.apply(floor_settings_of(config));
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
  m.campaigns.render_metrics(out);
}

}  // namespace dialcore::control::appliance
