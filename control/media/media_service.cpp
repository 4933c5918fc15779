#include "control/media/media_service.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <utility>

namespace dialcore::control::media {

namespace dp = dataplane;

namespace {

std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

std::uint64_t to_ns(std::chrono::microseconds us) {
  return static_cast<std::uint64_t>(us.count()) * 1000u;
}

dp::Event synthesized(const dp::Command& cmd, ReplyStatus status) {
  dp::Event e = dp::make_reply(cmd, status);
  e.seq = 0;
  return e;
}

bool valid_key(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
}

}  // namespace

MediaService::MediaService(boost::asio::io_context& io, std::vector<dp::WorkerRings*> rings,
                           MediaSettings settings, Clock clock)
    : io_(io), settings_(std::move(settings)), clock_(std::move(clock)), timer_(io) {
  if (!clock_) clock_ = steady_ns;
  const auto timeout_ns = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(settings_.reply_timeout).count());
  for (dp::WorkerRings* r : rings) {
    auto lane = std::make_unique<Lane>(*r, settings_.max_in_flight, timeout_ns);
    // One poll delivers at most a ring's worth of events plus every command in flight timing out:
    // reserved once, so collecting them inside the channel's noexcept handler cannot throw.
    lane->deliveries.reserve(r->events.capacity() + settings_.max_in_flight);
    lane->backoff_ns = to_ns(settings_.busy_backoff);
    lanes_.push_back(std::move(lane));
  }
  arm(settings_.idle_poll);
}

MediaService::~MediaService() { timer_.cancel(); }

const dp::ChannelCounters& MediaService::channel_counters(std::uint32_t worker) const noexcept {
  return lanes_[worker]->channel.counters();
}

std::size_t MediaService::in_flight(std::uint32_t worker) const noexcept {
  return lanes_[worker]->channel.in_flight();
}

void MediaService::fail_soon(Done done, ReplyStatus status) {
  ++counters_.commands_failed;
  boost::asio::post(io_, [done = std::move(done), status] {
    if (done) done(status);
  });
}

// ---- submitting -----------------------------------------------------------------------------

void MediaService::submit(std::uint32_t worker, const dp::Command& cmd, Complete complete) {
  Lane& lane = *lanes_[worker];
  Op op{cmd, std::move(complete), 0};
  if (lane.backlog.empty()) {
    const auto sub = lane.channel.submit(cmd, clock_());
    if (sub.status == ReplyStatus::Ok) {
      lane.pending.emplace(sub.seq, std::move(op));
      arm(settings_.busy_poll);
      return;
    }
    lane.retry_at_ns = clock_() + lane.backoff_ns;
  } else if (lane.backlog.size() >= settings_.max_queued) {
    ++counters_.busy_failures;
    ++counters_.commands_failed;
    boost::asio::post(io_, [op = std::move(op)] {
      if (op.complete) op.complete(synthesized(op.cmd, ReplyStatus::Busy));
    });
    return;
  }
  lane.backlog.push_back(std::move(op));
  arm(settings_.busy_poll);
}

void MediaService::leg_command(const MediaLeg& leg, const dp::Command& cmd, Done done) {
  if (leg.worker >= lanes_.size() || !leg.id.valid()) {
    fail_soon(std::move(done), ReplyStatus::StaleLeg);
    return;
  }
  submit(leg.worker, cmd, [done = std::move(done)](const dp::Event& e) {
    if (done) done(e.status);
  });
}

// A Busy command retried in order: the front of the queue first, at most once per back-off.
void MediaService::drain(std::uint32_t worker, std::uint64_t now_ns) {
  Lane& lane = *lanes_[worker];
  while (!lane.backlog.empty() && now_ns >= lane.retry_at_ns) {
    Op& front = lane.backlog.front();
    const auto sub = lane.channel.submit(front.cmd, now_ns);
    if (sub.status == ReplyStatus::Ok) {
      lane.pending.emplace(sub.seq, std::move(front));
      lane.backlog.pop_front();
      lane.backoff_ns = to_ns(settings_.busy_backoff);
      continue;
    }
    ++counters_.busy_retries;
    if (++front.retries > settings_.busy_retries) {
      // The worker took no command through the whole back-off (wedged, or far behind): what
      // is queued behind would wait as long, so the queue fails Busy now, in order.
      std::deque<Op> failed = std::move(lane.backlog);
      lane.backlog.clear();
      lane.backoff_ns = to_ns(settings_.busy_backoff);
      for (Op& op : failed) {
        ++counters_.busy_failures;
        finish(op, ReplyStatus::Busy);
      }
      break;
    }
    lane.retry_at_ns = now_ns + lane.backoff_ns;
    lane.backoff_ns = std::min(lane.backoff_ns * 2, to_ns(settings_.busy_backoff_max));
    break;
  }
}

void MediaService::finish(Op& op, ReplyStatus status) {
  if (status == ReplyStatus::Ok) {
    ++counters_.commands_ok;
  } else {
    ++counters_.commands_failed;
  }
  if (op.complete) op.complete(synthesized(op.cmd, status));
}

// ---- polling --------------------------------------------------------------------------------

bool MediaService::busy() const noexcept {
  for (const auto& lane : lanes_) {
    if (lane->channel.in_flight() > 0 || !lane->backlog.empty()) return true;
  }
  return false;
}

void MediaService::arm(std::chrono::microseconds delay) {
  const auto due = std::chrono::steady_clock::now() + delay;
  if (timer_armed_ && timer_due_ <= due) return;  // already due sooner
  timer_armed_ = true;
  timer_due_ = due;
  timer_.expires_at(due);  // cancels an earlier wait: its handler sees operation_aborted
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled (re-armed sooner, or the service is going away): touch nothing
    timer_armed_ = false;
    tick();
  });
}

void MediaService::tick() {
  for (std::uint32_t w = 0; w < lanes_.size(); ++w) {
    Lane& lane = *lanes_[w];
    const std::uint64_t now = clock_();
    drain(w, now);
    lane.deliveries.clear();
    lane.channel.poll(now, [&lane](dp::Delivery d, const dp::Event& e) noexcept {
      lane.deliveries.emplace_back(d, e);  // capacity reserved: never allocates
    });
    dispatch(w);
  }
  if (closing_ && shutdown_done_ && !busy()) {
    auto done = std::move(shutdown_done_);
    shutdown_done_ = nullptr;
    done();
    return;  // polling stops: nothing in flight, no leg left
  }
  arm(busy() ? settings_.busy_poll : settings_.idle_poll);
}

// Outside the channel's poll, so callbacks may submit freely.
void MediaService::dispatch(std::uint32_t worker) {
  Lane& lane = *lanes_[worker];
  // Callbacks may submit (adding to pending) but never poll, so the list is stable.
  for (std::size_t i = 0; i < lane.deliveries.size(); ++i) {
    const auto [delivery, event] = lane.deliveries[i];
    switch (delivery) {
      case dp::Delivery::Reply:
      case dp::Delivery::TimedOut: {
        auto it = lane.pending.find(event.seq);
        if (it == lane.pending.end()) break;  // cannot happen: every seq submitted is pending
        Op op = std::move(it->second);
        lane.pending.erase(it);
        if (delivery == dp::Delivery::TimedOut) ++counters_.timeouts;
        if (event.status == ReplyStatus::Ok) {
          ++counters_.commands_ok;
        } else {
          ++counters_.commands_failed;
        }
        if (op.complete) op.complete(event);
        break;
      }
      case dp::Delivery::LateReply: on_late_reply(worker, event); break;
      case dp::Delivery::Event: on_event(worker, event); break;
    }
  }
  lane.deliveries.clear();
}

void MediaService::on_late_reply(std::uint32_t worker, const dp::Event& e) {
  ++counters_.late_replies;
  if (e.command != dp::CommandType::CreateLeg || e.status != ReplyStatus::Ok) return;
  // The leg exists on the worker but its creator was told TimedOut: free it.
  ++counters_.late_creates_destroyed;
  submit(worker, dp::make_command(e.leg, dp::DestroyLegArgs{}), nullptr);
}

void MediaService::on_event(std::uint32_t worker, const dp::Event& e) {
  const auto it = legs_.find(MediaLeg{worker, e.leg});
  if (it == legs_.end()) {
    ++counters_.events_dropped;
    return;
  }
  ++counters_.events_delivered;
  // A copy of the handle: the handler may destroy its own leg (erasing the entry) while it runs.
  const std::shared_ptr<EventHandler> handler = it->second;
  if (*handler) (*handler)(e);
}

// ---- legs -----------------------------------------------------------------------------------

std::uint32_t MediaService::pick_worker(const LegPlacement& placement) const {
  if (placement.beside.worker != UINT32_MAX) return placement.beside.worker;
  if (placement.worker != UINT32_MAX) return placement.worker;
  std::uint32_t best = 0;
  for (std::uint32_t w = 1; w < lanes_.size(); ++w) {
    if (lanes_[w]->legs + lanes_[w]->creating < lanes_[best]->legs + lanes_[best]->creating) {
      best = w;
    }
  }
  return best;
}

void MediaService::allocate_leg(const LegPlacement& placement, EventHandler events,
                                AllocateDone done) {
  const std::uint32_t worker = lanes_.empty() ? UINT32_MAX : pick_worker(placement);
  ReplyStatus refusal = ReplyStatus::Ok;
  if (closing_) refusal = ReplyStatus::WrongState;
  if (worker >= lanes_.size() || placement.address >= settings_.addresses.size()) {
    refusal = ReplyStatus::BadArgument;
  }
  if (placement.beside.worker != UINT32_MAX && !legs_.contains(placement.beside)) {
    refusal = ReplyStatus::StaleLeg;
  }
  if (refusal != ReplyStatus::Ok) {
    fail_soon([done](ReplyStatus s) { done(Allocated{s, {}, {}}); }, refusal);
    return;
  }
  dp::CreateLegArgs args;
  args.local = settings_.addresses[placement.address];
  args.local.port = 0;  // the worker's next free port in its shard
  args.rtp_timeout_ms = settings_.rtp_timeout_ms;
  ++lanes_[worker]->creating;
  auto handler = std::make_shared<EventHandler>(std::move(events));
  submit(worker, dp::make_command(dp::LegId::invalid(), args),
         [this, worker, handler, done = std::move(done)](const dp::Event& e) {
           Lane& lane = *lanes_[worker];
           --lane.creating;
           Allocated result;
           result.status = e.status;
           if (e.status == ReplyStatus::Ok) {
             result.leg = MediaLeg{worker, e.leg};
             result.local = e.args<dp::CreateLegReplyArgs>().local;
             legs_[result.leg] = handler;
             ++lane.legs;
             if (closing_) {  // shutting down meanwhile: the new leg goes too
               destroy(result.leg, nullptr);
               result = Allocated{ReplyStatus::WrongState, {}, {}};
             }
           }
           if (done) done(result);
         });
}

bool MediaService::subscribe(const MediaLeg& leg, EventHandler events) {
  const auto it = legs_.find(leg);
  if (it == legs_.end()) return false;
  it->second = std::make_shared<EventHandler>(std::move(events));
  return true;
}

void MediaService::destroy(const MediaLeg& leg, Done done) {
  if (legs_.erase(leg) > 0) --lanes_[leg.worker]->legs;
  leg_command(leg, dp::DestroyLegArgs{}, std::move(done));
}

void MediaService::set_remote(const MediaLeg& leg, const dp::SetRemoteArgs& args, Done done) {
  leg_command(leg, args, std::move(done));
}
void MediaService::set_codec(const MediaLeg& leg, const dp::SetCodecArgs& args, Done done) {
  leg_command(leg, args, std::move(done));
}
void MediaService::set_srtp(const MediaLeg& leg, const dp::SetSrtpArgs& args, Done done) {
  leg_command(leg, args, std::move(done));
}
void MediaService::bridge(const MediaLeg& a, const MediaLeg& b, Done done) {
  if (a.worker != b.worker) {
    fail_soon(std::move(done), ReplyStatus::WrongState);
    return;
  }
  leg_command(a, dp::BridgeArgs{b.id}, std::move(done));
}
void MediaService::unbridge(const MediaLeg& leg, Done done) {
  leg_command(leg, dp::UnbridgeArgs{}, std::move(done));
}
void MediaService::hold(const MediaLeg& leg, bool on, Done done) {
  leg_command(leg, dp::HoldArgs{on}, std::move(done));
}
void MediaService::mute(const MediaLeg& leg, bool on, Done done) {
  leg_command(leg, dp::MuteArgs{on}, std::move(done));
}
void MediaService::set_dtmf(const MediaLeg& leg, const dp::SetDtmfArgs& args, Done done) {
  leg_command(leg, args, std::move(done));
}
void MediaService::mask_dtmf(const MediaLeg& leg, const dp::MaskDtmfArgs& args, Done done) {
  leg_command(leg, args, std::move(done));
}
void MediaService::send_dtmf(const MediaLeg& leg, const dp::SendDtmfArgs& args, Done done) {
  leg_command(leg, args, std::move(done));
}
void MediaService::send_dtmf(const MediaLeg& leg, std::string_view keys, Done done) {
  if (keys.empty() || keys.size() > dp::kMaxSendDtmfKeys ||
      !std::all_of(keys.begin(), keys.end(), valid_key)) {
    fail_soon(std::move(done), ReplyStatus::BadArgument);
    return;
  }
  dp::SendDtmfArgs args;
  std::copy(keys.begin(), keys.end(), args.keys.begin());
  args.count = static_cast<std::uint8_t>(keys.size());
  leg_command(leg, args, std::move(done));
}
void MediaService::play_audio(const MediaLeg& leg, const dp::PlayAudioArgs& args, Done done) {
  leg_command(leg, args, std::move(done));
}
void MediaService::stop_audio(const MediaLeg& leg, Done done) {
  leg_command(leg, dp::StopAudioArgs{}, std::move(done));
}
void MediaService::stats(const MediaLeg& leg, StatsDone done) {
  if (leg.worker >= lanes_.size() || !leg.id.valid()) {
    fail_soon([done](ReplyStatus s) { done(s, dp::LegStats{}); }, ReplyStatus::StaleLeg);
    return;
  }
  submit(leg.worker, dp::make_command(leg.id, dp::StatsArgs{}),
         [done = std::move(done)](const dp::Event& e) {
           if (done)
             done(e.status, e.status == ReplyStatus::Ok ? e.args<dp::LegStats>() : dp::LegStats{});
         });
}
void MediaService::ping(std::uint32_t worker, Done done) {
  if (worker >= lanes_.size()) {
    fail_soon(std::move(done), ReplyStatus::BadArgument);
    return;
  }
  submit(worker, dp::make_command(dp::LegId::invalid(), dp::PingArgs{}),
         [done = std::move(done)](const dp::Event& e) {
           if (done) done(e.status);
         });
}

void MediaService::shutdown(std::function<void()> done) {
  closing_ = true;
  shutdown_done_ = std::move(done);
  std::vector<MediaLeg> all;
  all.reserve(legs_.size());
  for (const auto& entry : legs_) all.push_back(entry.first);
  for (const MediaLeg& leg : all) destroy(leg, nullptr);
  arm(settings_.busy_poll);  // the tick calls done once nothing is in flight or queued
}

}  // namespace dialcore::control::media
