// dialcored's recorders (issue 5 in the daemon, daemon/recording_setup): a real dialcored starts
// its recorder threads before the workers (log, /metrics) and stops them after the workers on
// SIGTERM; a recording a crash left open is repaired at start and reported (log, /metrics,
// sidecar), a leftover temporary sidecar removed; a recorder core that does not exist fails
// start-up naming it. RecordingSetup itself, driven as dialcored drives it: a full disk (a small
// tmpfs the test mounts) ends the recording with an Off/DiskFull event handed to the call
// owner's handler and counted on /metrics, the process going on; the file mode is the config's.
#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "daemon/recording_setup.hpp"
#include "dataplane/recording/sidecar.hpp"
#include "dataplane/recording/wav_format.hpp"
#include "tests/control/store/store_fixture.hpp"
#include "tests/daemon/daemon_yaml.hpp"
#include "tests/daemon/recording_fixture.hpp"
#include "tests/dataplane/recording/recording_test_util.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/http_client.hpp"

using namespace dialcore;
using namespace dialcore::test;
namespace r = dialcore::dataplane::recording;
namespace fs = std::filesystem;

namespace {

constexpr const char* kToken = "test-admin-token-0123456789";

std::string recording_yaml(const std::string& cores = "[0, 1]") {
  return dataplane_yaml() +
         "recording:\n"
         "  cores: " +
         cores +
         "\n"
         "  directory: rec\n"
         "  path_layout: \"{date}/{campaign}/{call_id}\"\n"
         "  flush_interval_ms: 200\n";
}

std::size_t find_after(const std::string& text, const std::string& what, std::size_t from = 0) {
  const auto at = text.find(what, from);
  INFO("looking for \"" << what << "\" in:\n" << text);
  REQUIRE(at != std::string::npos);
  return at;
}



}  // namespace

TEST_CASE("dialcored starts its recorder threads before the workers and stops them after",
          "[daemon][recording]") {
  DaemonProcess d(DIALCORE_DIALCORED, recording_yaml(), kToken);
  REQUIRE(d.start());
  std::string log = d.stderr_text();
  const auto rec_at =
      find_after(log, "recording: 2 recorder threads (unpinned) for 2 workers, into " +
                          (d.dir() / "data" / "rec").string());
  const auto dp_at = find_after(log, "dataplane: 2 socket workers");
  CHECK(rec_at < dp_at);
  CHECK(fs::is_directory(d.dir() / "data" / "rec"));
  HttpClient c(d.host(), d.port());
  const HttpReply m = c.get("/metrics");
  REQUIRE(m.status == 200);
  CHECK(sample(m.body, "dialcore_recording_recorder_threads") == 2);
  for (const char* rl : {"{recorder=\"0\"}", "{recorder=\"1\"}"}) {
    INFO(rl);
    CHECK(sample(m.body, std::string("dialcore_recording_files_open") + rl) == 0);
    CHECK(sample(m.body, std::string("dialcore_recording_bytes_written_total") + rl) == 0);
    CHECK(sample(m.body, std::string("dialcore_recording_disk_full_total") + rl) == 0);
    CHECK(sample(m.body, std::string("dialcore_recording_write_errors_total") + rl) == 0);
  }
  for (const char* wl : {"{worker=\"0\"}", "{worker=\"1\"}"}) {
    INFO(wl);
    CHECK(sample(m.body, std::string("dialcore_recording_chunks_dropped_ring_full_total") + wl) ==
          0);
    CHECK(sample(m.body, std::string("dialcore_recording_chunks_sent_total") + wl) == 0);
  }
  CHECK(sample(m.body, "dialcore_recording_dropped_chunks_total") == 0);
  CHECK(sample(m.body, "dialcore_recording_repaired_at_start") == 0);
  CHECK(m.body.find("# TYPE dialcore_recording_disk_full_total counter") != std::string::npos);
  CHECK(m.body.find("dialcore_recording_cpu_seconds_total ") != std::string::npos);

  CHECK(d.stop(SIGTERM) == 0);
  log = d.stderr_text();
  // In order: the signal, the recorders stopped (after the workers, in the same handler), the end.
  const auto sig_at = find_after(log, "signal 15: stopping");
  const auto stop_at = find_after(log,
                                  "recording: stopped (2 recorder threads joined, 0 recordings "
                                  "ended by the shutdown)",
                                  sig_at);
  find_after(log, "dialcored: stopped", stop_at);
}

// The live recording keys through the reload API (the shared reload of SIGHUP and POST
// /api/v1/config/reload in daemon/run.cpp): applied to the recorders, the new folder made, the
// recorder threads (recording.cores: a restart key) left alone and named as such.
TEST_CASE("POST /api/v1/config/reload applies the live recording keys to the running recorders",
          "[daemon][recording][reload]") {
  DaemonProcess d(DIALCORE_DIALCORED, recording_yaml(), kToken);
  REQUIRE(d.start());
  CHECK_FALSE(fs::exists(d.dir() / "data" / "rec2"));
  std::string next = recording_yaml("[0]");
  auto swap = [&](const std::string& from, const std::string& to) {
    const auto at = next.find(from);
    REQUIRE(at != std::string::npos);
    next = next.substr(0, at) + to + next.substr(at + from.size());
  };
  swap("directory: rec\n", "directory: rec2\n  file_mode: \"0600\"\n  format: wav-mono\n");
  swap("{date}/{campaign}/{call_id}", "{agent}/{call_id}");
  swap("flush_interval_ms: 200", "flush_interval_ms: 300");
  d.write_config(next);
  HttpClient c(d.host(), d.port());
  c.set_token(kToken);
  const HttpReply r = c.post("/api/v1/config/reload", "{}");
  INFO(r.body);
  REQUIRE(r.status == 200);
  const auto body = boost::json::parse(r.body);
  auto has = [&](const char* list, const std::string& key) {
    for (const auto& k : body.at(list).as_array()) {
      if (k.as_string() == key) return true;
    }
    return false;
  };
  for (const char* key : {"recording.directory", "recording.path_layout", "recording.file_mode",
                          "recording.format", "recording.flush_interval_ms"}) {
    INFO(key);
    CHECK(has("applied", key));
  }
  CHECK(has("needs_restart", "recording.cores"));
  CHECK(fs::is_directory(d.dir() / "data" / "rec2"));
  const std::string log = d.stderr_text();
  find_after(log, "recording: reload: new recordings into " + (d.dir() / "data" / "rec2").string() +
                      ", layout {agent}/{call_id}, flush 300 ms, mode 0600");
  // The recorder threads are the two of the start (cores is a restart key).
  const HttpReply m = c.get("/metrics");
  REQUIRE(m.status == 200);
  CHECK(sample(m.body, "dialcore_recording_recorder_threads") == 2);
  // A second reload of the same file changes nothing and logs no recording reload.
  REQUIRE(c.post("/api/v1/config/reload", "{}").status == 200);
  const std::string after = d.stderr_text();
  CHECK(after.find("recording: reload:", after.find("recording: reload:") + 1) == std::string::npos);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("dialcored repairs a recording a crash left open, and says so", "[daemon][recording]") {
  DaemonProcess d(DIALCORE_DIALCORED, recording_yaml("[0]"), kToken);
  const std::string root = (d.dir() / "data" / "rec").string();
  const std::string base = root + "/2026-01-02/camp/crashed";
  crashed_recording(base, 800, 4000);
  // Finished on disk (sidecar final) by a recorder whose row the crash lost.
  const std::string finished = root + "/2026-01-02/camp/finished";
  crashed_recording(finished, 1600, 1600);
  auto done = r::read_sidecar(finished + ".json");
  REQUIRE(done.has_value());
  done->status = "complete";
  done->frames = 1600;
  done->start_unix_ms = 1'767'312'000'000;  // 2026-01-02
  std::ofstream(finished + ".json", std::ios::trunc) << r::to_json(*done);
  const std::string stale_tmp = root + "/2026-01-02/camp/other.json.tmp";
  std::ofstream(stale_tmp) << "{\"half\":";
  REQUIRE(d.start());
  const std::string log = d.stderr_text();
  find_after(log, "recording: repaired after an unclean stop: " + base + ".wav");
  find_after(log, "recording: removed a leftover temporary file: " + stale_tmp);
  find_after(log, "recording: start-up repair: 1 repaired, 0 failed, 1 temporary files removed");
  CHECK_FALSE(fs::exists(stale_tmp));
  const auto side = r::read_sidecar(base + ".json");
  REQUIRE(side.has_value());
  CHECK(side->status == "repaired");
  CHECK(side->frames == 4000);  // the torn half frame cut, the header's 800 corrected
  const rec::WavData wav = rec::read_wav_file(base + ".wav");
  CHECK(wav.data_size == 4000u * 4);
  HttpClient c(d.host(), d.port());
  const HttpReply m = c.get("/metrics");
  CHECK(sample(m.body, "dialcore_recording_repaired_at_start") == 1);
  CHECK(sample(m.body, "dialcore_recording_repair_failed_at_start") == 0);
  // The index: the repaired file and the one a crash finished before its row was written.
  find_after(log, "recording: start-up index: 2 recordings reported to the store");
  CHECK(sample(m.body, "dialcore_recording_index_rows_total") == 2);
  CHECK(d.stop() == 0);
  const auto rows = [&] {
    auto store = open_store((d.dir() / "data" / "dialcore.sqlite").string());
    control::store::Query q;
    q.order_by = "path";
    auto list = store->recordings().list(q);
    REQUIRE(list.ok());
    return *list;
  };
  auto before = rows();
  REQUIRE(before.size() == 2);
  CHECK(before[0].path == base + ".wav");
  CHECK(before[0].call_id == "crashed");
  CHECK(before[0].campaign == "camp");
  CHECK(before[0].state == "repaired");
  CHECK(before[0].duration_ms == 500);  // 4,000 frames at 8 kHz
  CHECK(before[0].size_bytes == 44 + 4000 * 4);
  CHECK(before[1].path == finished + ".wav");
  CHECK(before[1].state == "complete");
  CHECK(before[1].duration_ms == 200);
  // Started again: nothing new to index, the rows unchanged.
  REQUIRE(d.start());
  const std::string both = d.stderr_text();  // both runs' logs: the index line only once
  const auto first_index = both.find("start-up index:");
  CHECK(both.find("start-up index:", first_index + 1) == std::string::npos);
  CHECK(both.find("threads (unpinned)", both.find("threads (unpinned)") + 1) != std::string::npos);
  CHECK(d.stop() == 0);
  CHECK(rows() == before);
}

TEST_CASE("dialcored refuses a recorder core that does not exist, naming it",
          "[daemon][recording]") {
  DaemonProcess d(DIALCORE_DIALCORED, dataplane_yaml("[0]", true) + "recording:\n  cores: [1023]\n",
                  kToken);
  CHECK_FALSE(d.start());
  const std::string log = d.stderr_text();
  CHECK(log.find("recording: recording.cores[0]: core 1023 does not exist or is not available") !=
        std::string::npos);
  CHECK(log.find("dataplane: ") == std::string::npos);  // refused before any worker started
}

TEST_CASE(
    "RecordingSetup: a full disk ends that recording with an event to the call owner, counted on "
    "/metrics",
    "[recording][enospc]") {
  rec::TempDir data;
  config::Config c;
  c.data_dir = data.path;
  c.dataplane.pin_workers = false;
  c.recording.directory = "full";
  c.recording.flush_interval_ms = 100;
  c.recording.file_mode = 0600;
  SmallTmpfs full(data.path + "/full");
  REQUIRE(full.mounted);  // needs root (CAP_SYS_ADMIN): the tests run as root

  boost::asio::io_context io;
  {
    daemon::RecordingSetup setup(c);
    REQUIRE_FALSE(setup.start(1).has_value());
    std::vector<dataplane::Event> seen;
    setup.set_event_handler([&](const dataplane::Event& e) { seen.push_back(e); });
    setup.poll_events_on(io);
    auto producers = setup.producers();
    REQUIRE(producers.size() == 1);
    r::RecordingProducer& p = *producers[0];  // this thread plays worker 0
    r::RecordingId id;
    const auto start_ns =
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    r::RecordingStart start = rec::make_start("big-call", 8000);
    REQUIRE(p.start(start, start_ns, id) == r::ProducerStatus::Ok);
    // 30 s of stereo 8 kHz audio is 960 KB: far more than the 128 KB tmpfs holds.
    const auto audio = rec::pattern(8000 * 30, 7);
    auto off = [&] {
      for (const auto& e : seen) {
        const auto& a = e.args<dataplane::RecordingStateArgs>();
        if (a.slot == id.slot && a.state == static_cast<std::uint8_t>(r::RecordingState::Off))
          return &e;
      }
      return static_cast<const dataplane::Event*>(nullptr);
    };
    for (std::size_t i = 0; i + 160 <= audio.size() && off() == nullptr; i += 160) {
      const std::uint64_t now = rec::ns_at(start_ns, i + 160, 8000);
      p.push(id, r::Channel::Customer, std::span(audio).subspan(i, 160), now);
      p.push(id, r::Channel::Agent, std::span(audio).subspan(i, 160), now);
      p.poll();
      if (i % (160 * 25) == 0) {  // every 0.5 s of audio: let the recorder and the timer run
        io.run_for(std::chrono::milliseconds(30));
        io.restart();
      }
    }
    for (int i = 0; i < 200 && off() == nullptr; ++i) {
      p.poll();
      io.run_for(std::chrono::milliseconds(20));
      io.restart();
    }
    const dataplane::Event* ended = off();
    REQUIRE(ended != nullptr);
    CHECK(ended->type == dataplane::EventType::RecordingState);
    CHECK(ended->args<dataplane::RecordingStateArgs>().reason ==
          static_cast<std::uint8_t>(r::OffReason::DiskFull));
    CHECK(setup.events_delivered() >= 2);  // Recording, then Off
    CHECK(setup.events_unhandled() == 0);

    std::string metrics;
    setup.render_metrics(metrics);
    CHECK(sample(metrics, "dialcore_recording_disk_full_total{recorder=\"0\"}") == 1);
    CHECK(sample(metrics, "dialcore_recording_recordings_started_total{recorder=\"0\"}") == 1);
    CHECK(sample(metrics, "dialcore_recording_files_open{recorder=\"0\"}") == 0);
    CHECK(sample(metrics, "dialcore_recording_bytes_written_total{recorder=\"0\"}") > 50'000);
    CHECK(sample(metrics, "dialcore_recording_events_delivered_total") >= 2);

    // The file: the config's mode, a valid header over what reached the disk, "disk_full".
    std::string wav_path;
    for (const auto& e : fs::recursive_directory_iterator(full.path)) {
      if (e.path().extension() == ".wav") wav_path = e.path().string();
    }
    REQUIRE_FALSE(wav_path.empty());
    struct stat st {};
    REQUIRE(::stat(wav_path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const rec::WavData wav = rec::read_wav_file(wav_path);
    CHECK(wav.samples.size() > 8000);
    const auto side = r::read_sidecar(fs::path(wav_path).replace_extension(".json").string());
    REQUIRE(side.has_value());
    CHECK(side->status == "disk_full");
    setup.stop();
    CHECK_FALSE(setup.running());
  }
}

TEST_CASE("RecordingSetup: config mapping, and events counted and dropped without a handler",
          "[recording]") {
  rec::TempDir data;
  config::Config c;
  c.data_dir = data.path;
  c.recording.cores = {0, 1};
  c.recording.path_layout = "{year}/{month}/{day}/{call_id}";
  c.recording.flush_interval_ms = 5000;
  c.dataplane.legs_per_worker = 64;
  std::string warning;
  const r::RecordingConfig pinned = daemon::recording_config(c, true, &warning);
  CHECK(pinned.root == data.path + "/recordings");
  CHECK(pinned.cores == std::vector<int>{0, 1});
  CHECK(pinned.flush_interval_ms == 1000);
  CHECK(warning.find("recording.flush_interval_ms 5000 is above the recorder's maximum") !=
        std::string::npos);
  CHECK(pinned.max_recordings_per_worker == 32);
  const r::RecordingConfig floating = daemon::recording_config(c, false);
  CHECK(floating.cores.empty());
  CHECK(floating.threads == 2);

  c.dataplane.pin_workers = false;
  boost::asio::io_context io;
  daemon::RecordingSetup setup(c);
  REQUIRE_FALSE(setup.start(1).has_value());
  setup.poll_events_on(io);
  r::RecordingProducer& p = *setup.producers()[0];
  r::RecordingId id;
  REQUIRE(p.start(rec::make_start("c1", 8000), 0, id) == r::ProducerStatus::Ok);
  p.stop(id, 20'000'000);
  for (int i = 0; i < 200 && setup.events_unhandled() < 2; ++i) {
    p.poll();
    io.run_for(std::chrono::milliseconds(20));
    io.restart();
  }
  CHECK(setup.events_unhandled() == 2);  // Recording, Off: nobody set a handler
  CHECK(setup.events_delivered() == 0);
  // {year}/{month}/{day} are the recorder's names too: make_start's 2026-05-28.
  bool found = false;
  for (const auto& e : fs::recursive_directory_iterator(setup.root())) {
    if (e.path().filename() == "c1.wav") {
      const fs::path rel = fs::relative(e.path(), setup.root());
      CHECK(rel.string() == "2026/05/28/c1.wav");
      found = true;
    }
  }
  CHECK(found);
  setup.stop();
}
