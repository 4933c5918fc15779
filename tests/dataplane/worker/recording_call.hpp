#pragma once
// A recorded call through real worker legs (issue 5): a Worker on the socket backend (loopback,
// kernel-chosen ports) whose recording producer belongs to a RecordingService with a real
// recorder thread writing into a temporary folder; oRTP far ends (customer, agent, a second
// agent for re-bridges) sending PCMU frame by frame on the test's clock. Every loop is bounded.

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/recording/recording_api_event.hpp"
#include "dataplane/recording/recording_service.hpp"
#include "dataplane/recording/sidecar.hpp"
#include "tests/dataplane/recording/recording_test_util.hpp"
#include "tests/support/ortp_peer.hpp"
#include "worker_harness.hpp"

namespace dialcore::test {

namespace rec_ns = dialcore::dataplane::recording;

inline rec_ns::RecordingConfig recording_config(const std::string& root) {
  rec_ns::RecordingConfig c;
  c.root = root;
  c.flush_interval_ms = 100;
  c.chunks_per_worker = 1024;
  c.ring_items = 512;
  c.max_recordings_per_worker = 8;
  c.idle_sleep_us = 200;
  return c;
}

inline WorkerConfig recorded_worker(rec_ns::RecordingService& service) {
  WorkerConfig w;
  w.max_legs = 16;
  w.recorder = &service.producer(0);
  return w;
}

inline StartRecordingArgs start_args(const std::string& call_id) {
  StartRecordingArgs a;
  a.start_unix_ms = 1'767'312'000'000;  // 2026-01-02 UTC
  rec_ns::copy_text(a.call_id, call_id);
  rec_ns::copy_text(a.campaign, "camp");
  rec_ns::copy_text(a.agent, "jane");
  return a;
}

inline TagRecordingArgs tag_args(const std::string& text) {
  TagRecordingArgs t;
  rec_ns::copy_text(t.text, text);
  return t;
}

// `clip` repeated to n samples (what an OrtpPeer playing it has sent after n samples).
inline std::vector<std::int16_t> looped(const std::vector<std::int16_t>& clip, std::size_t n) {
  std::vector<std::int16_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = clip[i % clip.size()];
  return v;
}

struct RecordedCall {
  rec::TempDir dir;
  rec_ns::RecordingService service;
  WorkerHarness h;
  OrtpPeer customer, agent, agent2;
  LegId leg_c, leg_a, leg_a2;
  std::vector<rec_ns::RecordingEvent> events;

  // `threads`: start the recorder thread now (false: the test starts it, or drives it).
  explicit RecordedCall(bool threads = true, rec_ns::RecordingConfig config = {})
      : service(with_root(config), 1), h(recorded_worker(service)) {
    if (threads) REQUIRE(service.start());
    const CodecSpec pcmu = WorkerHarness::spec(codecs::CodecId::Pcmu, 0);
    leg_c = h.leg_towards(customer, pcmu);
    leg_a = h.leg_towards(agent, pcmu);
    leg_a2 = h.leg_towards(agent2, pcmu);
    customer.set_remote(h.local_of(leg_c));
    agent.set_remote(h.local_of(leg_a));
    agent2.set_remote(h.local_of(leg_a2));
    REQUIRE(h.call(leg_c, BridgeArgs{leg_a}).status == ReplyStatus::Ok);
  }
  ~RecordedCall() { service.stop(); }

  // Every far end sends one 20 ms frame; the worker relays them; all receive.
  void run(int frames) {
    for (int i = 0; i < frames; ++i) {
      customer.send_frame();
      agent.send_frame();
      agent2.send_frame();
      h.advance_ms(20);
      for (int t = 0; t < 3; ++t) h.turn();
      customer.receive();
      agent.receive();
      agent2.receive();
    }
  }
  void run_until_keys_sent(int max_frames) {
    for (int i = 0; i < max_frames && customer.keys_pending(); ++i) run(1);
    REQUIRE_FALSE(customer.keys_pending());
  }

  rec_ns::RecordingId start(const std::string& call_id) {
    const Event e = h.call(leg_c, start_args(call_id));
    REQUIRE(e.status == ReplyStatus::Ok);
    return rec_ns::recording_id(e.args<StartRecordingReplyArgs>());
  }
  // Collects the recorder's state events until `id` is Off (bounded, real time). The worker
  // keeps turning (its producer sends control items a full ring held back).
  rec_ns::RecordingEvent wait_off(rec_ns::RecordingId id) {
    std::vector<rec_ns::RecordingEvent> buf(64);
    for (int i = 0; i < 2000; ++i) {
      h.turn();
      const std::size_t n = service.poll_events(buf);
      events.insert(events.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      for (const auto& e : events) {
        if (e.id == id && e.state == rec_ns::RecordingState::Off) return e;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    FAIL("the recording never went off");
    return {};
  }
  // The recordings' audio files under the root.
  std::vector<std::string> files(const std::string& ext = ".wav") const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path)) {
      if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path().string());
    }
    return out;
  }
  std::string only_file() const {
    const auto f = files();
    REQUIRE(f.size() == 1);
    return f[0];
  }
  static rec_ns::Sidecar sidecar_of(const std::string& wav) {
    const auto s = rec_ns::read_sidecar(std::filesystem::path(wav).replace_extension(".json").string());
    REQUIRE(s.has_value());
    return *s;
  }
  // Frames of the recording's timeline at worker time t (8 kHz, started at start_ns).
  static std::int64_t frames_since(std::uint64_t start_ns, std::uint64_t t) {
    return static_cast<std::int64_t>((t - start_ns) / 125'000);
  }

 private:
  rec_ns::RecordingConfig with_root(rec_ns::RecordingConfig c) {
    const rec_ns::RecordingConfig defaults;
    if (c.root == defaults.root) c = recording_config(dir.path);
    c.root = dir.path;
    return c;
  }
};

}  // namespace dialcore::test
