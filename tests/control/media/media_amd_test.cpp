// MediaService's AMD commands (issue 4 from control): a worker thread on the socket backend,
// MediaService over its rings on this thread's io_context, a UdpPeer far end sending a "Hello?"
// then quiet as PCMU in real time. start_amd through MediaService; the verdict arrives through
// the leg's EventHandler as an Amd event. Plus amd_args(config::Amd), and the errors.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "control/media/media_amd.hpp"
#include "dataplane/io/socket_io.hpp"
#include "dataplane/worker/worker.hpp"
#include "media_test_support.hpp"
#include "tests/dataplane/dsp/amd_signals.hpp"
#include "tests/dataplane/worker/amd_call.hpp"

using namespace dialcore;
using namespace dialcore::test::media;
using dataplane::AmdEventArgs;
using dataplane::AmdResultCode;

namespace {

std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// One worker on its own thread (as the runtime runs it) and MediaService over its rings.
struct WorkerThread {
  dataplane::SocketIo io{dataplane::SocketIoConfig{}};
  dataplane::WorkerRings rings{64, 256};
  dataplane::Worker worker{dataplane::WorkerConfig{}, io, rings};
  std::atomic<bool> stop{false};
  std::thread thread;
  boost::asio::io_context ctx;
  std::unique_ptr<MediaService> media;

  WorkerThread() {
    thread = std::thread([this] {
      while (!stop.load(std::memory_order_relaxed)) {
        worker.poll(steady_ns());
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    });
    media = std::make_unique<MediaService>(ctx, std::vector<dataplane::WorkerRings*>{&rings},
                                           settings());
  }
  ~WorkerThread() {
    media.reset();
    stop = true;
    thread.join();
  }
};

}  // namespace

TEST_CASE("amd_args carries the campaign's AMD keys, and a message on machines asks for the beep",
          "[media][amd]") {
  config::Amd amd;
  amd.initial_silence_ms = 3000;
  amd.greeting_ms = 2500;
  amd.after_greeting_silence_ms = 900;
  amd.total_analysis_ms = 7000;
  amd.min_word_ms = 80;
  amd.between_words_silence_ms = 60;
  amd.max_words = 4;
  const dataplane::AmdArgs a = amd_args(amd);
  CHECK(a.initial_silence_ms == 3000);
  CHECK(a.greeting_ms == 2500);
  CHECK(a.after_greeting_silence_ms == 900);
  CHECK(a.total_analysis_ms == 7000);
  CHECK(a.min_word_ms == 80);
  CHECK(a.between_words_silence_ms == 60);
  CHECK(a.max_words == 4);
  CHECK_FALSE(a.report_beep);  // hangup on machines: no beep needed
  amd.on_machine = config::MachineAction::Message;
  CHECK(amd_args(amd).report_beep);
  amd.on_machine = config::MachineAction::Agent;
  CHECK_FALSE(amd_args(amd).report_beep);
}

TEST_CASE("start_amd through MediaService: the HUMAN verdict reaches the leg's handler",
          "[media][amd]") {
  WorkerThread w;
  MediaService& media = *w.media;
  Sync sync{w.ctx, media};
  std::vector<AmdEventArgs> amd;
  const Allocated leg = sync.allocate(LegPlacement::any(), [&](const dataplane::Event& e) {
    if (e.type == dataplane::EventType::Amd) amd.push_back(e.args<AmdEventArgs>());
  });
  REQUIRE(leg.status == ReplyStatus::Ok);
  test::UdpPeer far(test::loopback_v4());
  dataplane::SetRemoteArgs remote;
  remote.latch = false;
  remote.rtp = far.address();
  REQUIRE(sync.wait([&](Done d) { media.set_remote(leg.leg, remote, d); }) == ReplyStatus::Ok);
  REQUIRE(sync.wait([&](Done d) { media.set_codec(leg.leg, pcmu_and_events(), d); }) ==
          ReplyStatus::Ok);

  config::Amd campaign;  // the YAML defaults, converted as the dialler will
  // Not the detector's own 900 ms (the YAML default since 2026-11-22): a verdict at 2000 ms, not
  // 2100, proves the campaign's value reached the detector.
  campaign.after_greeting_silence_ms = 800;
  campaign.initial_silence_ms = 4000;
  REQUIRE(sync.wait([&](Done d) { media.start_amd(leg.leg, amd_args(campaign), d); }) ==
          ReplyStatus::Ok);
  CHECK(sync.wait([&](Done d) { media.start_amd(leg.leg, amd_args(campaign), d); }) ==
        ReplyStatus::WrongState);  // one analysis per leg

  // "Hello?" (700 ms from 500 ms) then the line's noise, sent in real time.
  test::Pcm x;
  test::silence(x, 500);
  test::voice(x, 700, -16.0, 3);
  test::silence(x, 3000);
  test::add_noise(x, -50.0, 4);
  const auto started = std::chrono::steady_clock::now();
  std::uint16_t seq = 1;
  for (std::size_t at = 0; at + 160 <= x.size() && amd.empty(); at += 160) {
    auto p = test::rtp_bytes(9, seq++, static_cast<std::uint32_t>(at), 0, 0);
    const auto payload = test::encode_payload(codecs::CodecId::Pcmu, std::span<const std::int16_t>(x).subspan(at, 160));
    p.insert(p.end(), payload.begin(), payload.end());
    REQUIRE(far.send_to(leg.local, p));
    w.ctx.restart();
    w.ctx.run_until(started + std::chrono::milliseconds(20 * (at / 160 + 1)));
  }
  REQUIRE(run_until(w.ctx, [&] { return !amd.empty(); }));
  REQUIRE(amd.size() == 1);
  CHECK(amd[0].result == AmdResultCode::Human);
  CHECK(amd[0].cause == dataplane::AmdCauseCode::GreetingThenPause);
  // After the 800 ms pause of the campaign's after_greeting_silence_ms: ~2000 ms of audio.
  CHECK(amd[0].at_ms >= 1940);
  CHECK(amd[0].at_ms <= 2060);  // not 2100: the campaign's 800 ms reached the detector
  CHECK(media.counters().events_delivered >= 1);

  CHECK(sync.wait([&](Done d) { media.stop_amd(leg.leg, d); }) == ReplyStatus::Ok);
  CHECK(sync.wait([&](Done d) { media.destroy(leg.leg, d); }) == ReplyStatus::Ok);
  // A stale handle: StaleLeg.
  MediaLeg stale = leg.leg;
  std::optional<ReplyStatus> status;
  media.start_amd(stale, amd_args(campaign), [&](ReplyStatus s) { status = s; });
  REQUIRE(run_until(w.ctx, [&] { return status.has_value(); }));
  CHECK(*status == ReplyStatus::StaleLeg);
}
