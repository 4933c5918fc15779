#include "bench/sip/b2bua_rig.hpp"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>

#include "bench/sip/thread_cpu.hpp"
#include "control/sip/asio_event_sink.hpp"

namespace dialcore::bench::sip {

namespace calls = control::calls;
namespace media = control::media;

namespace {

config::Sip sip_config(const RigSettings& s) {
  config::Sip sip;
  sip.timers.session_expires_s = s.session_s;
  sip.timers.t1_ms = s.t1_ms;
  sip.interfaces.push_back(
      {"carriers", config::SipRole::Trunk, {{"127.0.0.1", 0, false}}, config::SipTransport::Udp});
  // The agent's UA as a trunk (how CallController reaches an agent today: AgentTarget::dial
  // through SipStack::dial). Its codecs are also the inbound answer's (the interface's first
  // trunk): PCMA first, as the callers offer, so the bridge relays without transcoding.
  config::SipTrunk agents;
  agents.id = "agents";
  agents.interface = "carriers";
  agents.proxy = "sip:127.0.0.1:" + std::to_string(s.agent_port == 0 ? 9 : s.agent_port);
  agents.cli = "442071234567";
  agents.max_calls = s.max_calls;
  agents.max_cps = s.max_cps;
  agents.codecs = {"PCMA", "PCMU", "telephone-event"};
  sip.trunks.push_back(agents);
  return sip;
}

std::vector<pid_t> tids_except(const std::vector<ThreadInfo>& now,
                               const std::vector<ThreadInfo>& before) {
  std::vector<pid_t> out;
  for (const ThreadInfo& t : now) {
    const bool old = std::any_of(before.begin(), before.end(),
                                 [&](const ThreadInfo& b) { return b.tid == t.tid; });
    if (!old) out.push_back(t.tid);
  }
  return out;
}

double sum_cpu(const std::vector<pid_t>& tids) {
  double s = 0;
  for (const pid_t t : tids) s += thread_cpu_s(t);
  return s;
}

}  // namespace

B2buaRig::B2buaRig(const RigSettings& settings) : settings_(settings) {
  dataplane::RuntimeSettings rs;
  rs.cores.clear();
  for (std::uint32_t i = 0; i < settings.workers; ++i) rs.cores.push_back(static_cast<int>(i));
  rs.pin = false;  // the machine's cores are shared
  rs.rtp_ports = settings.rtp_ports;
  rs.legs_per_worker = settings.legs_per_worker;
  rs.command_ring = 512;
  rs.event_ring = 2048;
  rs.pool_packets = 4096;
  const std::vector<ThreadInfo> before_runtime = process_threads();
  dataplane::RuntimeError rerr;
  runtime_ = dataplane::Runtime::start(rs, rerr);
  if (!runtime_) {
    error_ = "dataplane runtime: " + rerr.message;
    return;
  }
  worker_threads_ = tids_except(process_threads(), before_runtime);

  media::MediaSettings ms;
  ms.addresses = {dataplane::NetAddress::v4(127, 0, 0, 1, 0)};
  ms.rtp_timeout_ms = 0;  // signalling-only calls send no RTP
  ms.max_in_flight = 256;
  std::vector<dataplane::WorkerRings*> rings;
  for (std::uint32_t w = 0; w < settings.workers; ++w) rings.push_back(&runtime_->rings(w));
  media_ = std::make_unique<media::MediaService>(io_, rings, ms);

  const config::Sip sip = sip_config(settings);
  calls::CallSettings cs;
  cs.sip = sip;
  cs.call_id_prefix = "bench";
  cs.now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  sip_ = std::make_unique<control::sip::SipStack>(
      sip, control::sip::asio_event_sink(io_, [this](control::sip::SipEvent e) {
        if (controller_) controller_->on_sip_event(e);
      }),
      16384);
  controller_ = std::make_unique<calls::CallController>(*sip_, *media_, nullptr, cs);
  controller_->set_inbound([this](const calls::InboundCall& c) { return route(c); },
                           [this](const calls::CallEvent& e) { on_event(e); });
  const std::vector<ThreadInfo> before_sip = process_threads();
  if (const auto failed = sip_->start()) {
    error_ = "SIP stack: " + *failed;
    return;
  }
  sip_threads_ = tids_except(process_threads(), before_sip);
  sip_port_ = sip_->interface("carriers")->port;
}

B2buaRig::~B2buaRig() {
  if (sip_ && sip_->running()) stop();
}

calls::Route B2buaRig::route(const calls::InboundCall& call) {
  const auto now = std::chrono::steady_clock::now();
  if (gauges_.routed++ == 0) gauges_.first_routed = now;
  gauges_.last_routed = now;
  if (call.from_user == kSampleUser) {
    samples_.insert(call.call);
    ++gauges_.sample_calls;
  }
  calls::Route r;
  if (settings_.park) {
    r.kind = calls::Route::Kind::Park;
    return r;
  }
  r.kind = calls::Route::Kind::Agent;
  r.agent.agent_id = 1;
  r.agent.address = "agent";
  r.agent.codecs = {"PCMA", "telephone-event"};
  r.agent.dial = [this](std::string sdp) {
    return sip_->dial({"agents", "agent", "", std::move(sdp)});
  };
  return r;
}

void B2buaRig::on_event(const calls::CallEvent& e) {
  const bool up = settings_.park ? e.kind == calls::CallEventKind::Answered
                                 : e.kind == calls::CallEventKind::Bridged;
  if (up && samples_.count(e.call) != 0) {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, settings_.sample_check);
    timer->async_wait([this, timer, call = e.call](const boost::system::error_code& ec) {
      if (!ec) check_sample(call);
    });
  }
  if (e.kind == calls::CallEventKind::Ended) samples_.erase(e.call);
}

void B2buaRig::check_sample(calls::CallHandle call) {
  std::vector<media::MediaLeg> legs;
  for (const calls::Side side : {calls::Side::Customer, calls::Side::Agent}) {
    if (side == calls::Side::Agent && settings_.park) continue;
    if (const auto leg = controller_->media_leg(call, side)) legs.push_back(*leg);
  }
  if (legs.empty()) return;  // ended before the check: not counted as checked
  ++gauges_.sample_checked;
  // Every leg of the call must have received RTP: the caller's pcap on the customer leg, its
  // relayed copy echoed by the agent's UA on the agent leg.
  auto remaining = std::make_shared<std::size_t>(legs.size());
  auto all_rx = std::make_shared<bool>(legs.size() == (settings_.park ? 1U : 2U));
  for (const media::MediaLeg& leg : legs) {
    media_->stats(leg, [this, remaining, all_rx](media::ReplyStatus s,
                                                 const dataplane::LegStats& st) {
      if (s != media::ReplyStatus::Ok || st.rx_packets == 0) *all_rx = false;
      if (s == media::ReplyStatus::Ok) gauges_.sample_rx_packets += st.rx_packets;
      if (--*remaining == 0 && *all_rx) ++gauges_.sample_ok;
    });
  }
}

std::size_t B2buaRig::worker_legs() const {
  std::size_t n = 0;
  for (std::size_t w = 0; w < runtime_->worker_count(); ++w) n += runtime_->snapshot(w).legs;
  return n;
}

void B2buaRig::sample_gauges() {
  gauges_.peak_calls = std::max(gauges_.peak_calls, controller_->live_calls());
  gauges_.peak_legs = std::max(gauges_.peak_legs, controller_->live_media_legs());
  gauges_.peak_worker_legs = std::max(gauges_.peak_worker_legs, worker_legs());
}

void B2buaRig::run_for(std::chrono::milliseconds slice) {
  io_.restart();
  io_.run_for(slice);
  sample_gauges();
}

bool B2buaRig::run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) run_for(std::chrono::milliseconds(2));
  return done();
}

bool B2buaRig::idle() const {
  return controller_->live_calls() == 0 && controller_->live_sip_legs() == 0 &&
         sip_->live_handles() == 0 && legs_left() == 0;
}

std::size_t B2buaRig::legs_left() const {
  // The same leg is known to the controller, MediaService and its worker: the largest count.
  std::size_t known = 0;
  for (std::uint32_t w = 0; w < media_->worker_count(); ++w) known += media_->legs(w);
  return std::max({controller_->live_media_legs(), known, worker_legs()});
}

RigCpu B2buaRig::cpu() const {
  return {this_thread_cpu_s(), sum_cpu(sip_threads_), sum_cpu(worker_threads_)};
}

void B2buaRig::stop() {
  controller_->hangup_all();
  run_until([this] { return controller_->live_calls() == 0; }, std::chrono::seconds(3));
  sip_->stop();
  run_until([this] { return controller_->live_calls() == 0; }, std::chrono::seconds(3));
}

}  // namespace dialcore::bench::sip
