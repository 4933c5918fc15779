// The runtime hands worker i its recording producer (RuntimeSettings::recorders, issue 5 in
// dialcored): a recording started through worker i's command ring is made by producer i (the
// reply's RecordingId names worker i) and a real recorder thread writes its file. Without
// recorders, StartRecording is refused (Unsupported).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/recording/recording_api_event.hpp"
#include "dataplane/recording/recording_service.hpp"
#include "dataplane/recording/sidecar.hpp"
#include "runtime_calls.hpp"
#include "runtime_control.hpp"
#include "tests/dataplane/io/udp_peer.hpp"
#include "tests/dataplane/recording/recording_test_util.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;
namespace r = dialcore::dataplane::recording;

namespace {

StartRecordingArgs start_args(const std::string& call_id) {
  StartRecordingArgs a;
  a.start_unix_ms = 1'767'312'000'000;  // 2026-01-02 UTC
  r::copy_text(a.call_id, call_id);
  r::copy_text(a.campaign, "camp");
  return a;
}

r::RecordingConfig recorder_config(const std::string& root) {
  r::RecordingConfig c;
  c.root = root;
  c.threads = 1;  // one plain recorder thread (cores empty)
  c.flush_interval_ms = 100;
  c.chunks_per_worker = 256;
  c.ring_items = 256;
  c.max_recordings_per_worker = 4;
  c.idle_sleep_us = 200;
  return c;
}

// Polls the service's events until `id` is Off (bounded: 10 s).
r::RecordingEvent wait_off(r::RecordingService& service, r::RecordingId id) {
  std::vector<r::RecordingEvent> buf(64);
  for (int i = 0; i < 2000; ++i) {
    const std::size_t n = service.poll_events(buf);
    for (std::size_t k = 0; k < n; ++k) {
      if (buf[k].id == id && buf[k].state == r::RecordingState::Off) return buf[k];
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL("the recording never went off");
  return {};
}

}  // namespace

TEST_CASE("worker i records through producer i: a recording started on its ring writes a file",
          "[runtime][recording]") {
  rec::TempDir dir;
  r::RecordingService service(recorder_config(dir.path), 2);
  REQUIRE(service.start());
  RuntimeSettings settings = test_settings(2);
  settings.recorders = {&service.producer(0), &service.producer(1)};
  RuntimeError error;
  auto rt = Runtime::start(settings, error);
  REQUIRE(rt != nullptr);
  RuntimeControl ctl(*rt);
  for (std::size_t w = 0; w < 2; ++w) {
    INFO("worker " << w);
    UdpPeer pa(loopback_v4()), pb(loopback_v4());
    REQUIRE(pa.ok());
    REQUIRE(pb.ok());
    const Pair p = bridged_pair(ctl, w, pa, pb);
    const std::string call_id = "call-w" + std::to_string(w);
    const Event started = ctl.call(w, p.a, start_args(call_id));
    REQUIRE(started.status == ReplyStatus::Ok);
    const r::RecordingId id = r::recording_id(started.args<StartRecordingReplyArgs>());
    CHECK(id.worker == w);  // producer w, not another worker's
    CHECK(relay(pa, p.local_a, pb, 25, 0x11) == 25);
    CHECK(relay(pb, p.local_b, pa, 25, 0x22) == 25);
    REQUIRE(ctl.call(w, p.a, StopRecordingArgs{}).status == ReplyStatus::Ok);
    const r::RecordingEvent off = wait_off(service, id);
    CHECK(off.reason == r::OffReason::Stopped);
    CHECK(off.frames > 0);
    const std::string base = dir.path + "/2026-01-02/camp/" + call_id;
    REQUIRE(std::filesystem::exists(base + ".wav"));
    const auto side = r::read_sidecar(base + ".json");
    REQUIRE(side.has_value());
    CHECK(side->status == "complete");
    CHECK(side->call_id == call_id);
    CHECK(side->customer_leg == p.a.packed());
    const rec::WavData wav = rec::read_wav_file(base + ".wav");
    CHECK(wav.channels == 2);
    CHECK(wav.samples.size() / 2 == off.frames);
    CHECK(service.producer(static_cast<std::uint16_t>(w))
              .stats()
              .read(r::ProducerCounter::ChunksSent) > 0);
  }
  // Workers first, then the recorders (dialcored's order).
  CHECK(rt->stop());
  service.stop();
  CHECK(service.recorder(0).stats().read(r::RecorderCounter::Completed) == 2);
}

TEST_CASE("a runtime without recorders refuses StartRecording", "[runtime][recording]") {
  RuntimeError error;
  auto rt = Runtime::start(test_settings(1), error);
  REQUIRE(rt != nullptr);
  RuntimeControl ctl(*rt);
  UdpPeer pa(loopback_v4()), pb(loopback_v4());
  REQUIRE(pa.ok());
  REQUIRE(pb.ok());
  const Pair p = bridged_pair(ctl, 0, pa, pb);
  CHECK(ctl.call(0, p.a, start_args("none")).status == ReplyStatus::Unsupported);
  CHECK(rt->stop());
}
