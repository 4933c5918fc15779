#include "sim/agents/agent_sim.hpp"

#include <array>
#include <cstdio>
#include <thread>

#include "sim/common/wav_io.hpp"

namespace dialcore::sim::agents {

struct MediaCall {
  std::uint64_t id = 0;
  std::size_t agent = 0;
  std::unique_ptr<RtpStream> rtp;
  HandsetAudio audio{"tone"};
  Clock::time_point answered_at;
  bool sending = true;
  bool first_rx = false, first_tx = false;
  bool hangup_asked = false;
};

namespace {

double ms_since(Clock::time_point from, Clock::time_point now) {
  return std::chrono::duration<double, std::milli>(now - from).count();
}

}  // namespace

AgentSim::AgentSim(Options options)
    : options_(std::move(options)), audio_(options_.audio),
      media_(options_.agents.size()), call_numbers_(options_.agents.size(), 0) {}

AgentSim::~AgentSim() {
  if (!finished_) finish();
}

std::optional<std::string> AgentSim::start_sip() {
  PhoneSettings s;
  s.listen_host = options_.listen_host;
  s.listen_port = options_.listen_port;
  s.registrar_host = options_.sip_host;
  s.registrar_port = options_.sip_port;
  s.expires_s = options_.register_expires_s;
  s.codecs = options_.codecs;
  s.verbose = options_.verbose;
  phones_ = std::make_unique<SipPhones>(s, options_.agents, [this](PhoneEvent e) { on_phone_event(std::move(e)); });
  return phones_->start();
}

std::optional<std::string> AgentSim::start_agents() {
  if (!options_.sip_host.empty()) {
    const auto until = Clock::now() + std::chrono::seconds(5);
    while (!phones_->all_registrations_settled() && Clock::now() < until) {
      std::this_thread::sleep_for(kTick);
    }
    const auto counts = phones_->counts();
    std::string refused;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (counts[i].registered) continue;
      const auto& c = counts[i];
      refused += (refused.empty() ? "" : ", ") + options_.agents[i].login +
                 (c.register_403 ? " (403: wrong SIP credentials)"
                  : c.register_other || c.register_423 ? " (refused)"
                  : c.register_401 ? " (still challenged)"
                                   : " (no answer from " + options_.sip_host + ")");
    }
    if (!refused.empty()) return "REGISTER failed for " + refused;
  }
  if (!options_.api.empty()) {
    floor_ = std::make_unique<FloorClients>(options_, options_.agents);
    if (auto error = floor_->start()) return error;
  }
  return std::nullopt;
}

void AgentSim::on_phone_event(PhoneEvent event) {
  const std::lock_guard lock(mutex_);
  events_.push_back(std::move(event));
}

void AgentSim::start_media(PhoneEvent& e) {
  auto call = std::make_unique<MediaCall>();
  call->id = e.call;
  call->agent = e.agent;
  call->rtp = std::move(e.rtp);
  call->rtp->connect(e.format);
  call->audio = audio_;
  call->audio.rewind();
  call->answered_at = e.at;
  call->sending = e.sending;
  ++media_[e.agent].calls;
  calls_[e.call] = std::move(call);
}

void AgentSim::end_media(MediaCall& call, Clock::time_point now, bool we_hung_up) {
  MediaCounts& m = media_[call.agent];
  call.rtp->receive(!options_.capture_dir.empty());
  m.talk_seconds += std::chrono::duration<double>(now - call.answered_at).count();
  m.rtp_rx += call.rtp->packets_received() + call.rtp->event_packets_received();
  m.rtp_events_rx += call.rtp->event_packets_received();
  m.rtp_tx += call.rtp->packets_sent();
  ++(we_hung_up ? m.ended_by_us : m.ended_by_them);
  if (!options_.capture_dir.empty()) {
    const std::string path = options_.capture_dir + "/" + options_.agents[call.agent].login + "-" +
                             std::to_string(++call_numbers_[call.agent]) + ".wav";
    if (write_wav_8k(path, call.rtp->heard())) {
      ++m.captures;
    } else {
      std::fprintf(stderr, "dialcore-agent-sim: %s: cannot write\n", path.c_str());
    }
  }
}

void AgentSim::drain(Clock::time_point now) {
  std::deque<PhoneEvent> batch;
  {
    const std::lock_guard lock(mutex_);
    batch.swap(events_);
  }
  for (auto& e : batch) {
    const auto it = calls_.find(e.call);
    switch (e.kind) {
      case PhoneEvent::Kind::Answered: start_media(e); break;
      case PhoneEvent::Kind::Media:
        if (it != calls_.end()) it->second->sending = e.sending;
        break;
      case PhoneEvent::Kind::Ended:
        if (it != calls_.end()) {
          end_media(*it->second, now, e.we_hung_up);
          calls_.erase(it);
        }
        break;
    }
  }
}

void AgentSim::step(MediaCall& call, Clock::time_point now) {
  MediaCounts& m = media_[call.agent];
  if (call.sending) {
    std::array<std::int16_t, RtpStream::kFrameSamples> frame{};
    call.audio.next(frame);
    call.rtp->send_frame(frame);
    if (!call.first_tx) {
      call.first_tx = true;
      m.first_tx_ms.push_back(ms_since(call.answered_at, now));
    }
  }
  call.rtp->receive(!options_.capture_dir.empty());
  if (!call.first_rx && call.rtp->packets_received() + call.rtp->event_packets_received() > 0) {
    call.first_rx = true;
    m.first_rx_ms.push_back(ms_since(call.answered_at, now));
  }
  if (options_.max_talk_s > 0 && !call.hangup_asked &&
      now - call.answered_at >= std::chrono::duration<double>(options_.max_talk_s)) {
    call.hangup_asked = true;
    phones_->hangup(call.id);
  }
}

void AgentSim::run(const std::atomic<bool>& stop) {
  const auto started = Clock::now();
  auto next = started;
  while (!stop.load()) {
    const auto now = Clock::now();
    if (options_.duration_s > 0 && now - started >= std::chrono::duration<double>(options_.duration_s)) break;
    drain(now);
    for (auto& [id, call] : calls_) step(*call, now);
    next += kTick;
    if (next < Clock::now() - std::chrono::milliseconds(200)) next = Clock::now();  // stalled: resync
    std::this_thread::sleep_until(next);
  }
}

std::vector<AgentSummary> AgentSim::finish() {
  finished_ = true;
  if (floor_) floor_->stop();  // logout first: the floor refuses it while a call is up
  if (phones_) phones_->stop();
  const auto now = Clock::now();
  drain(now);
  for (auto& [id, call] : calls_) end_media(*call, now, true);  // ended without an event
  calls_.clear();
  const auto phone = phones_ ? phones_->counts() : std::vector<PhoneCounts>(options_.agents.size());
  const auto floor = floor_ ? floor_->counts() : std::vector<FloorCounts>(options_.agents.size());
  std::vector<AgentSummary> out;
  for (std::size_t i = 0; i < options_.agents.size(); ++i) {
    AgentSummary s;
    s.login = options_.agents[i].login;
    s.sip_user = options_.agents[i].sip_user;
    s.sip = !options_.sip_host.empty();
    s.api = !options_.api.empty();
    s.phone = phone[i];
    s.media = media_[i];
    s.floor = floor[i];
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace dialcore::sim::agents
