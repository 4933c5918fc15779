#include "bench/rtp/dialcore_relay.hpp"

#include <pthread.h>
#include <time.h>

#include <chrono>
#include <deque>
#include <unordered_map>

#include "bench/rtp/rtp_traffic.hpp"
#include "codecs/names/codec_registry.hpp"
#include "dataplane/api/command_channel.hpp"
#include "dataplane/io/socket_io.hpp"
#include "dataplane/worker/worker.hpp"

namespace dialcore::bench {

using namespace dialcore::dataplane;

namespace {

constexpr std::size_t kMaxInFlight = 128;
constexpr std::uint64_t kReplyTimeoutNs = 2'000'000'000;

CodecSpec codec_spec(RtpCodec codec) {
  CodecSpec s;
  s.format = codecs::default_format(codec == RtpCodec::G729 ? codecs::CodecId::G729
                                                            : codecs::CodecId::Pcmu);
  s.payload_type = codec == RtpCodec::G729 ? 18 : 0;
  s.ptime_ms = 20;
  return s;
}

}  // namespace

struct DialcoreRelay::State {
  explicit State(std::size_t legs)
      : io(SocketIoConfig{legs + 16, 4096}),
        rings(256, 8192),
        channel(rings, kMaxInFlight, kReplyTimeoutNs),
        worker(WorkerConfig{static_cast<std::uint32_t>(legs + 16),
                            static_cast<std::uint32_t>(legs + 16), 32, 100'000'000, 1},
               io, rings) {}

  // Submits every command (at most kMaxInFlight unanswered) and collects one reply each, in
  // the order of `commands`. False with `error` on a refused command or a timeout.
  bool run(const std::vector<Command>& commands, std::vector<Event>& replies, std::string& error) {
    replies.assign(commands.size(), Event{});
    std::unordered_map<std::uint64_t, std::size_t> index_of_seq;
    std::size_t next = 0, done = 0;
    bool failed = false;
    const auto deadline = monotonic_ns() + 30'000'000'000ull;
    while (done < commands.size() && !failed) {
      const std::uint64_t now = monotonic_ns();
      while (next < commands.size() && channel.in_flight() < kMaxInFlight) {
        const auto sub = channel.submit(commands[next], now);
        if (sub.status != ReplyStatus::Ok) break;  // ring full: retry after a poll
        index_of_seq[sub.seq] = next++;
      }
      channel.poll(now, [&](Delivery d, const Event& e) noexcept {
        if (d != Delivery::Reply && d != Delivery::TimedOut) return;
        const auto it = index_of_seq.find(e.seq);
        if (it == index_of_seq.end()) return;
        replies[it->second] = e;
        ++done;
        if (e.status != ReplyStatus::Ok) failed = true;
      });
      if (now > deadline) failed = true;
      if (done < commands.size()) std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    for (std::size_t i = 0; i < replies.size() && failed; ++i) {
      if (replies[i].status != ReplyStatus::Ok || replies[i].type != EventType::Reply) {
        error = "command " + std::string(to_string(commands[i].type)) + " failed: status " +
                std::to_string(static_cast<int>(replies[i].status));
        return false;
      }
    }
    if (failed) error = "setup timed out";
    return !failed;
  }

  SocketIo io;
  WorkerRings rings;
  CommandChannel channel;
  Worker worker;
  clockid_t cpu_clock{};
  std::atomic<bool> cpu_clock_ready{false};
};

DialcoreRelay::DialcoreRelay() = default;

DialcoreRelay::~DialcoreRelay() { stop(); }

bool DialcoreRelay::setup(std::span<const CallSockets> calls, RtpCodec codec,
                          std::vector<CallRelayPorts>& ports, std::string& error) {
  try {
    state_ = std::make_unique<State>(2 * calls.size());
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
  State& s = *state_;
  thread_ = std::thread([this, &s] {
    pthread_setname_np(pthread_self(), "dc-worker");
    if (pthread_getcpuclockid(pthread_self(), &s.cpu_clock) == 0) s.cpu_clock_ready.store(true);
    while (!stop_.load(std::memory_order_relaxed)) {
      if (!s.worker.poll(monotonic_ns())) s.io.wait_rx(1);
    }
  });

  // 1. Two legs per call: 2c faces the generator's side A, 2c + 1 side B.
  std::vector<Command> cmds;
  std::vector<Event> replies;
  CreateLegArgs create;
  create.local = NetAddress::v4(127, 0, 0, 1, 0);
  create.rtp_timeout_ms = 0;
  for (std::size_t i = 0; i < 2 * calls.size(); ++i) {
    cmds.push_back(make_command(LegId::invalid(), create));
  }
  if (!s.run(cmds, replies, error)) return false;
  std::vector<LegId> legs;
  ports.assign(calls.size(), CallRelayPorts{});
  for (std::size_t i = 0; i < replies.size(); ++i) {
    legs.push_back(replies[i].leg);
    const std::uint16_t port = replies[i].args<CreateLegReplyArgs>().local.port;
    (i % 2 == 0 ? ports[i / 2].relay_for_a : ports[i / 2].relay_for_b) = port;
  }
  // 2. Remotes and codecs, then 3. the bridges.
  cmds.clear();
  SetCodecArgs codec_args;
  codec_args.formats[0] = codec_spec(codec);
  codec_args.count = 1;
  for (std::size_t i = 0; i < legs.size(); ++i) {
    SetRemoteArgs remote;
    const CallSockets& call = calls[i / 2];
    remote.rtp = NetAddress::v4(127, 0, 0, 1, i % 2 == 0 ? call.a_port : call.b_port);
    remote.latch = false;
    cmds.push_back(make_command(legs[i], remote));
    cmds.push_back(make_command(legs[i], codec_args));
  }
  if (!s.run(cmds, replies, error)) return false;
  cmds.clear();
  for (std::size_t c = 0; c < calls.size(); ++c) {
    cmds.push_back(make_command(legs[2 * c], BridgeArgs{legs[2 * c + 1]}));
  }
  return s.run(cmds, replies, error);
}

std::uint64_t DialcoreRelay::cpu_ns() {
  if (!state_ || !state_->cpu_clock_ready.load()) return 0;
  timespec ts{};
  if (clock_gettime(state_->cpu_clock, &ts) != 0) return 0;
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

void DialcoreRelay::service() {
  if (!state_) return;
  state_->channel.poll(monotonic_ns(), [](Delivery, const Event&) noexcept {});
}

std::uint64_t DialcoreRelay::worker_drops() const {
  if (!state_) return 0;
  const WorkerStats& st = state_->worker.stats();
  return st.read(WorkerCounter::RxNoLeg) + st.read(WorkerCounter::RxMalformed) +
         st.read(WorkerCounter::TxDropped);
}

void DialcoreRelay::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

}  // namespace dialcore::bench
