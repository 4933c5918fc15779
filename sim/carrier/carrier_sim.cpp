#include "sim/carrier/carrier_sim.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

#include "control/sdp/sdp_session.hpp"
#include "sim/carrier/call_audio.hpp"
#include "sim/common/rtp_stream.hpp"
#include "sim/common/net_text.hpp"
#include "sim/common/sdp_stream.hpp"
#include "sim/common/wav_io.hpp"

namespace dialcore::sim::carrier {

namespace sip = control::sip;
namespace sdp = control::sdp;
using Clock = CarrierSim::Clock;

struct SimCall {
  sip::CallId id = 0;
  std::uint64_t seq = 0;
  CallPlan plan;
  std::string offer;
  Clock::time_point start, final_at, answered_at, end_at, pay_at;
  bool answered = false, done = false;  // done: final response or BYE sent, waiting for Ended
  bool paying = false, paid = false;
  std::string clip;
  std::unique_ptr<sdp::SdpSession> session;
  std::unique_ptr<RtpStream> rtp;
  std::unique_ptr<CallAudio> audio;
};

namespace {

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

int final_status(const CallPlan& p, const CarrierExtensions& ext) {
  switch (p.outcome) {
    case Outcome::Busy: return 486;
    case Outcome::Invalid: return ext.invalid_status;
    case Outcome::Congestion: return 503;
    default: return 0;
  }
}

}  // namespace

CarrierSim::CarrierSim(Options options, Planner planner, Corpus corpus)
    : options_(std::move(options)), planner_(std::move(planner)), corpus_(std::move(corpus)) {
  (void)net_address(options_.media_host, 0);  // a bad --media-ip fails here, not per call
}

CarrierSim::~CarrierSim() {
  if (stack_) stack_->stop();
}

std::optional<std::string> CarrierSim::start() {
  config::Sip settings;
  const bool v6 = options_.listen_host.find(':') != std::string::npos;
  settings.interfaces.push_back({"carrier", config::SipRole::Trunk,
                                 {{options_.listen_host, options_.listen_port, v6}},
                                 config::SipTransport::Udp});
  settings.timers.invite_timeout_s = options_.max_ring_s;
  stack_ = std::make_unique<sip::SipStack>(settings, [this](sip::SipEvent e) { on_event(std::move(e)); });
  return stack_->start();
}

std::uint16_t CarrierSim::sip_port() const {
  const auto* bound = stack_->interface("carrier");
  return bound != nullptr ? bound->port : 0;
}

void CarrierSim::on_event(sip::SipEvent event) {
  const std::lock_guard lock(mutex_);
  events_.push_back(std::move(event));
}

void CarrierSim::drain(Clock::time_point now) {
  std::deque<sip::SipEvent> batch;
  {
    const std::lock_guard lock(mutex_);
    batch.swap(events_);
  }
  for (const auto& e : batch) handle(e, now);
}

void CarrierSim::handle(const sip::SipEvent& e, Clock::time_point now) {
  switch (e.kind) {
    case sip::SipEventKind::Incoming: incoming(e, now); break;
    case sip::SipEventKind::Offer: reoffer(e); break;
    case sip::SipEventKind::Ended: ended(e, now); break;
    case sip::SipEventKind::Dtmf: ++summary_.info_dtmf; break;
    default: break;  // Confirmed: media already flows; outbound kinds do not occur
  }
}

void CarrierSim::incoming(const sip::SipEvent& e, Clock::time_point now) {
  ++summary_.invites;
  if (stopping_ || (options_.max_calls != 0 && next_seq_ > options_.max_calls)) {
    ++summary_.refused;
    stack_->reject(e.call, 503);
    return;
  }
  auto call = std::make_unique<SimCall>();
  call->id = e.call;
  call->seq = next_seq_++;
  call->plan = planner_.next();
  call->offer = e.sdp;
  call->start = now;
  call->final_at = now + seconds(call->plan.final_s);
  ++summary_.calls[static_cast<std::size_t>(call->plan.outcome)];
  // Ringing for the answers and the no-answers; busy, invalid and congestion go straight to
  // their final response when their time comes.
  const Outcome o = call->plan.outcome;
  if (o == Outcome::Live || o == Outcome::Machine || o == Outcome::NoAnswer) stack_->ringing(e.call);
  calls_[e.call] = std::move(call);
}

void CarrierSim::answer(SimCall& call, Clock::time_point now) {
  call.done = true;
  try {
    call.rtp = std::make_unique<RtpStream>(options_.media_host);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "call %llu: %s\n", static_cast<unsigned long long>(call.seq), ex.what());
    ++summary_.sdp_failed;
    stack_->reject(call.id, 503);
    return;
  }
  call.session = std::make_unique<sdp::SdpSession>(call.seq, 1, net_address(options_.media_host, call.rtp->port()));
  const auto result = answer_g711(call.offer, options_.media_host, call.rtp->port(), options_.codecs, *call.session);
  if (result.status != 0) {
    ++summary_.sdp_failed;
    stack_->reject(call.id, result.status);
    call.rtp.reset();
    return;
  }
  const StreamFormat& format = result.format;
  call.rtp->connect(format);
  stack_->answer(call.id, result.sdp);
  ++summary_.answers;
  call.answered = true;
  call.done = false;
  call.answered_at = now;

  const bool live = call.plan.outcome == Outcome::Live;
  const Clip& clip = live ? corpus_.human(call.plan.clip_draw) : corpus_.machine(call.plan.clip_draw);
  call.clip = clip.file;
  call.audio = std::make_unique<CallAudio>(clip, live ? &corpus_ : nullptr, call.plan.filler_draw);
  // A machine plays its whole greeting, then records; a person talks for the drawn time.
  double talk = call.plan.talk_s;
  if (!live) talk += static_cast<double>(clip.pcm.size()) / 8000.0;
  call.end_at = now + seconds(talk);
  call.paying = false;
  if (live && (call.plan.pay || options_.pay_all)) {
    call.pay_at = now + seconds(planner_.extensions().pay_after_s * planner_.time_scale());
  } else {
    call.pay_at = Clock::time_point::max();
  }
}

void CarrierSim::media(SimCall& call, Clock::time_point now) {
  const auto& ext = planner_.extensions();
  if (!call.paying && now >= call.pay_at) {
    call.paying = true;
    ++summary_.payments_started;
    const std::string keys = ext.card + "#" + ext.cvv;
    bool events = ext.dtmf != DtmfMode::Inband;
    if (events) {
      for (char k : keys) events = call.rtp->key_rfc4733(k, ext.key_on_ms, ext.key_off_ms) && events;
    }
    // In-band when asked for, and when the caller did not negotiate telephone-event.
    if (ext.dtmf != DtmfMode::Rfc4733 || !events) {
      for (char k : keys) call.audio->key_inband(k, ext.key_on_ms, ext.key_off_ms);
    }
  }
  std::array<std::int16_t, RtpStream::kFrameSamples> frame{};
  call.audio->next(frame);
  call.rtp->send_frame(frame);
  call.rtp->receive(!options_.capture_dir.empty());
  if (call.paying && !call.paid && !call.rtp->keys_pending() && !call.audio->keys_pending()) {
    call.paid = true;
    ++summary_.payments_keyed;
  }
  const bool pay_over = call.pay_at == Clock::time_point::max() || call.paid;
  if (now >= call.end_at && pay_over) {
    stack_->hangup(call.id);
    call.done = true;
  }
}

void CarrierSim::step(SimCall& call, Clock::time_point now) {
  if (call.done) return;
  if (!call.answered) {
    if (call.plan.outcome == Outcome::NoAnswer || now < call.final_at) return;
    if (call.plan.outcome == Outcome::Live || call.plan.outcome == Outcome::Machine) {
      answer(call, now);
    } else {
      stack_->reject(call.id, final_status(call.plan, planner_.extensions()));
      call.done = true;
    }
    if (!call.answered) return;
  }
  media(call, now);
}

void CarrierSim::reoffer(const sip::SipEvent& e) {
  const auto it = calls_.find(e.call);
  if (it == calls_.end() || !it->second->answered) {
    stack_->reject(e.call, 488);
    return;
  }
  SimCall& call = *it->second;
  const auto result = answer_g711(e.sdp, options_.media_host, call.rtp->port(), options_.codecs, *call.session);
  if (result.status != 0) {
    stack_->reject(e.call, result.status);
    return;
  }
  stack_->answer(e.call, result.sdp);
}

void CarrierSim::ended(const sip::SipEvent& e, Clock::time_point now) {
  switch (e.end) {
    case sip::CallEnd::Cancelled: ++summary_.caller_cancel; break;
    case sip::CallEnd::RemoteHangup: ++summary_.caller_bye; break;
    case sip::CallEnd::LocalHangup: ++summary_.our_bye; break;
    case sip::CallEnd::Rejected: ++summary_.our_reject; break;
    case sip::CallEnd::NoAnswer: ++summary_.ring_timeout; break;
    case sip::CallEnd::Shutdown: ++summary_.shutdown; break;
    default: ++summary_.other_end; break;
  }
  const auto it = calls_.find(e.call);
  if (it == calls_.end()) return;  // a refused INVITE
  SimCall& call = *it->second;
  double talk = 0;
  if (call.answered) {
    talk = std::chrono::duration<double>(now - call.answered_at).count();
    summary_.talk_seconds += talk;
  }
  if (call.rtp) {
    call.rtp->receive(!options_.capture_dir.empty());
    summary_.rtp_sent += call.rtp->packets_sent();
    summary_.rtp_received += call.rtp->packets_received() + call.rtp->event_packets_received();
    summary_.rtp_events_received += call.rtp->event_packets_received();
    if (!options_.capture_dir.empty()) {
      const std::string path = options_.capture_dir + "/call-" + std::to_string(call.seq) + ".wav";
      if (!write_wav_8k(path, call.rtp->heard())) std::fprintf(stderr, "%s: cannot write\n", path.c_str());
    }
  }
  if (options_.verbose) {
    std::fprintf(stderr, "call %llu %s final %.2fs talk %.2fs clip %s pay %s end %s\n",
                 static_cast<unsigned long long>(call.seq),
                 std::string(outcome_name(call.plan.outcome)).c_str(), call.plan.final_s, talk,
                 call.clip.empty() ? "-" : call.clip.c_str(),
                 call.paid ? "keyed" : (call.paying ? "partial" : "no"),
                 std::string(sip::call_end_name(e.end)).c_str());
  }
  calls_.erase(it);
}

bool CarrierSim::finished() const {
  return options_.max_calls != 0 && next_seq_ > options_.max_calls && calls_.empty();
}

void CarrierSim::run(const std::atomic<bool>& stop) {
  const auto started = Clock::now();
  auto next = started;
  while (!stop.load() && !finished()) {
    const auto now = Clock::now();
    if (options_.duration_s > 0 && now - started >= seconds(options_.duration_s)) break;
    drain(now);
    for (auto& [id, call] : calls_) step(*call, now);
    next += kTick;
    if (next < Clock::now() - std::chrono::milliseconds(200)) next = Clock::now();  // stalled: resync
    std::this_thread::sleep_until(next);
  }
  // Shut down: BYE every call that is up, 480 to every call still ringing, then wait for them.
  stopping_ = true;
  for (auto& [id, call] : calls_) stack_->hangup(id);
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!calls_.empty() && Clock::now() < deadline) {
    drain(Clock::now());
    std::this_thread::sleep_for(kTick);
  }
  stack_->stop();
  drain(Clock::now());
}

}  // namespace dialcore::sim::carrier
