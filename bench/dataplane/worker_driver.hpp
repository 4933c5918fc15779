#pragma once
// WorkerDriver: control's side of one Worker, driven from the calling thread (benches and
// tests). It owns the rings, the CommandChannel and the Worker on a BurstIo the caller owns;
// call() submits a command and turns the worker until its reply comes (bounded: throws when it
// does not). Events other than replies are counted and the last ones kept for tests.
// Time is the caller's: now_ns is passed to every turn.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dataplane/api/command_channel.hpp"
#include "dataplane/api/commands.hpp"
#include "dataplane/worker/worker.hpp"

namespace dialcore::bench {

class WorkerDriver {
 public:
  WorkerDriver(dataplane::BurstIo& io, const dataplane::WorkerConfig& config,
               std::size_t command_slots = 64, std::size_t event_slots = 256)
      : rings_(command_slots, event_slots),
        channel_(rings_, static_cast<std::uint32_t>(command_slots / 2), 1'000'000'000),
        worker_(config, io, rings_) {}

  dataplane::Worker& worker() { return worker_; }

  // One worker turn at now_ns, then control's side: replies kept for call(), events counted.
  void turn(std::uint64_t now_ns) {
    worker_.poll(now_ns);
    drain_events(now_ns);
  }
  // Control's side only (outside a timed loop): collects replies and events.
  void drain_events(std::uint64_t now_ns) {
    channel_.poll(now_ns, [this](dataplane::Delivery d, const dataplane::Event& e) noexcept {
      if (d == dataplane::Delivery::Event) {
        ++event_count_;
        if (events_.size() < kKeptEvents) events_.push_back(e);
      } else {
        replies_.push_back(e);
      }
    });
  }

  // Submits `cmd` and turns the worker (at now_ns) until its reply comes; throws after 100 turns.
  dataplane::Event call(const dataplane::Command& cmd, std::uint64_t now_ns) {
    const auto sub = channel_.submit(cmd, now_ns);
    if (sub.status != dataplane::ReplyStatus::Ok) throw std::runtime_error("command refused: busy");
    for (int i = 0; i < 100; ++i) {
      turn(now_ns);
      for (auto it = replies_.begin(); it != replies_.end(); ++it) {
        if (it->seq == sub.seq) {
          const dataplane::Event e = *it;
          replies_.erase(it);
          return e;
        }
      }
    }
    throw std::runtime_error("no reply from the worker in 100 turns");
  }
  template <typename Args>
  dataplane::Event call(dataplane::LegId leg, const Args& args, std::uint64_t now_ns) {
    return call(dataplane::make_command(leg, args), now_ns);
  }
  // call() that must succeed: throws naming `what` otherwise.
  template <typename Args>
  dataplane::Event must(dataplane::LegId leg, const Args& args, std::uint64_t now_ns, const char* what) {
    const dataplane::Event e = call(leg, args, now_ns);
    if (e.status != dataplane::ReplyStatus::Ok) {
      throw std::runtime_error(std::string(what) + " failed: status " +
                               std::to_string(static_cast<int>(e.status)));
    }
    return e;
  }

  // A leg on `local` (port 0: the backend picks) sending to `remote` (latching when asked),
  // with `codec` and telephone-event 101. Returns the leg and its bound address.
  std::pair<dataplane::LegId, dataplane::NetAddress> create_leg(
      const dataplane::NetAddress& local, const dataplane::NetAddress& remote,
      const dataplane::CodecSpec& codec, std::uint64_t now_ns, bool latch = false) {
    const dataplane::Event created =
        must(dataplane::LegId::invalid(), dataplane::CreateLegArgs{local, 0}, now_ns, "CreateLeg");
    dataplane::SetRemoteArgs r;
    r.rtp = remote;
    r.latch = latch;
    must(created.leg, r, now_ns, "SetRemote");
    dataplane::SetCodecArgs c;
    c.formats[0] = codec;
    c.formats[1].format.id = codecs::CodecId::TelephoneEvent;
    c.formats[1].payload_type = 101;
    c.count = 2;
    must(created.leg, c, now_ns, "SetCodec");
    return {created.leg, created.args<dataplane::CreateLegReplyArgs>().local};
  }

  // Events other than replies seen so far, and the first kKeptEvents of them.
  std::uint64_t event_count() const { return event_count_; }
  std::vector<dataplane::Event>& events() { return events_; }

  // A codec as the tests and benches use it: 20 ms packets; Opus at 8 kHz PCM, 20 ms frames.
  static dataplane::CodecSpec spec(codecs::CodecId id, std::uint8_t pt) {
    dataplane::CodecSpec s;
    s.format.id = id;
    if (id == codecs::CodecId::Opus) {
      s.format.rtp_clock_hz = 48000;
      s.format.sample_rate_hz = 8000;
      s.format.frame_ms = 20;
    }
    s.payload_type = pt;
    s.ptime_ms = 20;
    return s;
  }

 private:
  static constexpr std::size_t kKeptEvents = 1024;
  dataplane::WorkerRings rings_;
  dataplane::CommandChannel channel_;
  dataplane::Worker worker_;
  std::vector<dataplane::Event> replies_;
  std::vector<dataplane::Event> events_;
  std::uint64_t event_count_ = 0;
};

}  // namespace dialcore::bench
