// MediaService's recording commands (issue 5 from control): a worker thread on the socket
// backend with a real RecordingService (recorder thread, files in a temp folder), MediaService
// over its rings on this thread's io_context, oRTP far ends sending speech in real time through
// a bridged PCMU pair. Start, tag, pause, resume and stop go through MediaService; the result is
// a playable stereo WAV whose length is the time between start and stop, its sidecar holding
// the tag (label recording).
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "dataplane/io/socket_io.hpp"
#include "dataplane/recording/recording_api_event.hpp"
#include "dataplane/recording/recording_service.hpp"
#include "dataplane/recording/sidecar.hpp"
#include "dataplane/worker/worker.hpp"
#include "media_test_support.hpp"
#include "tests/dataplane/recording/recording_test_util.hpp"
#include "tests/dataplane/worker/recording_call.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/netns.hpp"
#include "tests/support/ortp_peer.hpp"

using namespace dialcore;
using namespace dialcore::test::media;
namespace r = dialcore::dataplane::recording;

namespace {

std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// One worker with a recorder, on its own thread (as the runtime runs it), and MediaService.
struct RecordedWorker {
  test::rec::TempDir dir;
  r::RecordingService service{with_layout(test::recording_config(dir.path)), 1};
  // {campaign} and {queue} both in the layout: a campaign's call and a queue's land apart.
  static r::RecordingConfig with_layout(r::RecordingConfig c) {
    c.path_template = "{yyyy}-{mm}-{dd}/{campaign}/{queue}/{call_id}";
    return c;
  }
  dataplane::SocketIo io{dataplane::SocketIoConfig{}};
  dataplane::WorkerRings rings{64, 256};
  std::unique_ptr<dataplane::Worker> worker;
  std::atomic<bool> stop{false};
  std::thread thread;
  boost::asio::io_context ctx;
  std::unique_ptr<MediaService> media;

  RecordedWorker() {
    REQUIRE(service.start());
    worker = std::make_unique<dataplane::Worker>(test::recorded_worker(service), io, rings);
    thread = std::thread([this] {
      while (!stop.load(std::memory_order_relaxed)) {
        worker->poll(steady_ns());
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    });
    media = std::make_unique<MediaService>(ctx, std::vector<dataplane::WorkerRings*>{&rings},
                                           settings());
  }
  ~RecordedWorker() {
    media.reset();
    stop = true;
    thread.join();
    service.stop();
  }
  // The recorder's events until `id` is Off (bounded, 5 s).
  std::optional<r::RecordingEvent> wait_off(r::RecordingId id) {
    std::vector<r::RecordingEvent> buf(64);
    for (int i = 0; i < 1000; ++i) {
      const std::size_t n = service.poll_events(buf);
      for (std::size_t k = 0; k < n; ++k) {
        if (buf[k].id == id && buf[k].state == r::RecordingState::Off) return buf[k];
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return std::nullopt;
  }
};

double rms(const std::vector<std::int16_t>& v) {
  double sum = 0;
  for (auto s : v) sum += static_cast<double>(s) * s;
  return v.empty() ? 0 : std::sqrt(sum / static_cast<double>(v.size()));
}

}  // namespace

TEST_CASE("MediaService records a bridged call into a playable stereo WAV of the right length",
          "[media][recording][ortp]") {
  RecordedWorker w;
  MediaService& media = *w.media;
  Sync sync{w.ctx, media};
  const Allocated customer_leg = sync.allocate(LegPlacement::any(), {});
  const Allocated agent_leg = sync.allocate(LegPlacement::next_to(customer_leg.leg), {});
  REQUIRE(customer_leg.status == ReplyStatus::Ok);
  REQUIRE(agent_leg.status == ReplyStatus::Ok);
  test::OrtpPeer customer, agent;
  customer.set_remote(customer_leg.local);
  agent.set_remote(agent_leg.local);
  customer.play(test::load_speech("business-answer-8k.wav", 8000));
  agent.play(test::load_speech("personal-greeting-8k.wav", 8000));
  dataplane::SetRemoteArgs remote;
  remote.latch = false;
  remote.rtp = customer.address();
  REQUIRE(sync.wait([&](Done d) { media.set_remote(customer_leg.leg, remote, d); }) ==
          ReplyStatus::Ok);
  remote.rtp = agent.address();
  REQUIRE(sync.wait([&](Done d) { media.set_remote(agent_leg.leg, remote, d); }) ==
          ReplyStatus::Ok);
  for (const MediaLeg& leg : {customer_leg.leg, agent_leg.leg}) {
    REQUIRE(sync.wait([&](Done d) { media.set_codec(leg, pcmu_and_events(), d); }) ==
            ReplyStatus::Ok);
  }
  REQUIRE(sync.wait([&](Done d) { media.bridge(customer_leg.leg, agent_leg.leg, d); }) ==
          ReplyStatus::Ok);
  auto talk = [&](int frames) {  // real time: 20 ms per frame, the io_context polls meanwhile
    for (int i = 0; i < frames; ++i) {
      customer.send_frame();
      agent.send_frame();
      w.ctx.restart();
      w.ctx.run_for(std::chrono::milliseconds(20));
      customer.receive();
      agent.receive();
    }
  };
  talk(10);

  // Refused without a round trip: nothing reaches the worker.
  bool called = false;
  media.start_recording(customer_leg.leg, RecordingRequest{}, [&](ReplyStatus s, const auto&) {
    CHECK(s == ReplyStatus::BadArgument);  // no call id
    called = true;
  });
  CHECK_FALSE(called);  // never inside the call itself
  REQUIRE(run_until(w.ctx, [&] { return called; }));
  CHECK(sync.wait([&](Done d) {
    media.tag_recording(customer_leg.leg, std::string(40, 't'), d);
  }) == ReplyStatus::BadArgument);
  CHECK(sync.wait([&](Done d) { media.stop_recording(customer_leg.leg, d); }) ==
        ReplyStatus::WrongState);  // nothing to stop yet

  RecordingRequest request;
  request.call_id = "call-rec-1";
  request.campaign = "spring";
  request.agent = "jane";
  request.start_unix_ms = 1'767'312'000'000;
  std::optional<ReplyStatus> started;
  dataplane::StartRecordingReplyArgs handle{};
  int start_callbacks = 0;
  media.start_recording(customer_leg.leg, request,
                        [&](ReplyStatus s, const dataplane::StartRecordingReplyArgs& h) {
                          ++start_callbacks;
                          started = s;
                          handle = h;
                        });
  REQUIRE(run_until(w.ctx, [&] { return started.has_value(); }));
  REQUIRE(*started == ReplyStatus::Ok);
  const auto t_start = std::chrono::steady_clock::now();
  talk(40);
  CHECK(sync.wait([&](Done d) { media.tag_recording(customer_leg.leg, "bookmark-1", d); }) ==
        ReplyStatus::Ok);
  CHECK(sync.wait([&](Done d) { media.pause_recording(customer_leg.leg, d); }) == ReplyStatus::Ok);
  CHECK(sync.wait([&](Done d) { media.pause_recording(customer_leg.leg, d); }) ==
        ReplyStatus::WrongState);
  talk(10);
  CHECK(sync.wait([&](Done d) { media.resume_recording(customer_leg.leg, d); }) == ReplyStatus::Ok);
  talk(25);
  CHECK(sync.wait([&](Done d) { media.stop_recording(customer_leg.leg, d); }) == ReplyStatus::Ok);
  const double recorded_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  CHECK(start_callbacks == 1);
  const auto off = w.wait_off(r::recording_id(handle));
  REQUIRE(off);
  CHECK(off->reason == r::OffReason::Stopped);

  std::vector<std::string> wavs;
  for (const auto& e : std::filesystem::recursive_directory_iterator(w.dir.path)) {
    if (e.is_regular_file() && e.path().extension() == ".wav") wavs.push_back(e.path().string());
  }
  REQUIRE(wavs.size() == 1);
  const test::rec::WavData wav = test::rec::read_wav_file(wavs[0]);
  CHECK(wav.channels == 2);
  CHECK(wav.rate == 8000);
  const double wav_s = static_cast<double>(wav.samples.size() / 2) / 8000.0;
  INFO("wav " << wav_s << " s, start to stop " << recorded_s << " s");
  // The file spans start to stop (the pause is a silent gap, not a cut): within 150 ms (the
  // two replies' polling and the last frames in flight; measured 46 ms at load 9).
  CHECK(std::abs(wav_s - recorded_s) < 0.15);
  CHECK(wav_s > 1.4);
  CHECK(rms(wav.channel(0)) > 100);  // the customer's speech
  CHECK(rms(wav.channel(1)) > 100);  // the agent's
  const auto sidecar = r::read_sidecar(wavs[0].substr(0, wavs[0].size() - 4) + ".json");
  REQUIRE(sidecar);
  CHECK(sidecar->call_id == "call-rec-1");
  CHECK(sidecar->campaign == "spring");
  CHECK(sidecar->agent == "jane");
  bool tagged = false;
  for (const auto& m : sidecar->markers)
    tagged |= m.kind == r::MarkerKind::Tag && m.text == "bookmark-1";
  CHECK(tagged);
  // The file plays: sox reads it to the end.
  const auto soxi = test::run_command({"soxi", "-D", wavs[0]});
  CHECK(soxi.status == 0);
  CHECK(std::abs(std::stod(soxi.output) - wav_s) < 0.01);
  CHECK(wavs[0].ends_with("/2026-01-02/spring/none/call-rec-1.wav"));

  // An inbound queue's call: the queue travels with the start command into {queue}; a request
  // naming both a campaign and a queue is refused before it reaches the worker.
  RecordingRequest queued = request;
  queued.call_id = "call-rec-2";
  queued.queue = "help";
  std::optional<ReplyStatus> refused;
  media.start_recording(customer_leg.leg, queued,
                        [&](ReplyStatus s, const auto&) { refused = s; });
  REQUIRE(run_until(w.ctx, [&] { return refused.has_value(); }));
  CHECK(*refused == ReplyStatus::BadArgument);
  queued.campaign.clear();
  started.reset();
  media.start_recording(customer_leg.leg, queued,
                        [&](ReplyStatus s, const dataplane::StartRecordingReplyArgs& h) {
                          started = s;
                          handle = h;
                        });
  REQUIRE(run_until(w.ctx, [&] { return started.has_value(); }));
  REQUIRE(*started == ReplyStatus::Ok);
  talk(10);
  CHECK(sync.wait([&](Done d) { media.stop_recording(customer_leg.leg, d); }) == ReplyStatus::Ok);
  REQUIRE(w.wait_off(r::recording_id(handle)));
  const std::string queued_wav = w.dir.path + "/2026-01-02/none/help/call-rec-2.wav";
  REQUIRE(std::filesystem::exists(queued_wav));
  const auto queued_side = r::read_sidecar(w.dir.path + "/2026-01-02/none/help/call-rec-2.json");
  REQUIRE(queued_side);
  CHECK(queued_side->queue == "help");
  CHECK(queued_side->campaign.empty());
  CHECK(sync.wait([&](Done d) { media.destroy(customer_leg.leg, d); }) == ReplyStatus::Ok);
  CHECK(sync.wait([&](Done d) { media.destroy(agent_leg.leg, d); }) == ReplyStatus::Ok);
}
