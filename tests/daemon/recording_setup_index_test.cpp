// The recording index rows of dialcored (daemon/recording_setup_index): RecordingSetup with its
// recorder threads, a real CallHistory writing to SQLite and the index between them, driven as
// dialcored drives them (this thread plays worker 0 and the call owner: it reports the recording
// to the call history as control/appliance does after the start reply). A recorded call ends
// with a `recordings` row naming the file, its duration the file's (soxi, independent of our WAV
// code), its tags and pause markers; a full disk (a small tmpfs) gives a truncated_disk_full row
// whose duration is what the file holds; a shutdown with the recording open an interrupted one.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "control/history/call_history.hpp"
#include "daemon/recording_setup.hpp"
#include "tests/control/store/store_fixture.hpp"
#include "tests/daemon/recording_fixture.hpp"
#include "tests/dataplane/recording/recording_test_util.hpp"

using namespace dialcore;
using namespace dialcore::test;
namespace r = dialcore::dataplane::recording;
namespace fs = std::filesystem;

namespace {

// soxi's answer for a file (-s samples per channel, -r rate): not our WAV parser.
std::int64_t soxi(const std::string& flag, const std::string& path) {
  const std::string cmd = "soxi " + flag + " '" + path + "' 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  long long v = -1;
  if (std::fscanf(p, "%lld", &v) != 1) v = -1;
  ::pclose(p);
  return v;
}

std::int64_t soxi_ms(const std::string& path) {
  const std::int64_t rate = soxi("-r", path);
  REQUIRE(rate > 0);
  return soxi("-s", path) * 1000 / rate;
}

std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

// A recording setup, the call history on its own store connection, a reading connection, the
// index between them: what dialcored's run() builds.
struct World {
  explicit World(config::Config c)
      : config(std::move(c)),
        history_store(open_store(config.data_dir + "/dialcore.sqlite")),
        reader(open_store(config.data_dir + "/dialcore.sqlite")),
        history(*history_store),
        setup(config) {}
  ~World() {
    setup.stop();
    history.stop();
  }
  void start() {
    REQUIRE_FALSE(setup.start(1).has_value());
    setup.index_into(history, *reader, [] { return now_ms; });
    setup.poll_events_on(io);
    t0 = steady_ns();
  }
  r::RecordingProducer& producer() { return *setup.producers()[0]; }
  // A recording of `call` started on worker 0 at t0, and reported by the call owner as
  // control/appliance does after the start reply (record_recording).
  r::RecordingId begin(const std::string& call) {
    r::RecordingId id;
    REQUIRE(producer().start(rec::make_start(call, 8000), t0, id) == r::ProducerStatus::Ok);
    REQUIRE(history.recording(call, "a", call, now_ms + 40).ok());
    return id;
  }
  // Lets the worker side and the control thread run until `done` (bounded: 4 s).
  template <class Done>
  void settle(Done done) {
    for (int i = 0; i < 200 && !done(); ++i) {
      producer().poll();
      run(20);
    }
  }
  void run(int ms) {
    io.run_for(std::chrono::milliseconds(ms));
    io.restart();
  }
  std::vector<control::store::Recording> rows() {
    REQUIRE(history.flush());
    auto list = reader->recordings().list({});
    REQUIRE(list.ok());
    return *list;
  }
  // Feeds `frames` of both channels from `from` in 20 ms packets; stops early once `until`.
  template <class Until>
  std::size_t feed(r::RecordingProducer& p, r::RecordingId id, std::uint64_t start_ns,
                   std::size_t from, std::size_t frames, Until until) {
    const auto audio = rec::pattern(frames + from, 7);
    std::size_t i = from;
    for (; i + 160 <= from + frames && !until(); i += 160) {
      const std::uint64_t now = rec::ns_at(start_ns, i + 160, 8000);
      p.push(id, r::Channel::Customer, std::span(audio).subspan(i, 160), now);
      p.push(id, r::Channel::Agent, std::span(audio).subspan(i, 160), now);
      p.poll();
      if (i % (160 * 25) == 0) run(20);  // every 0.5 s of audio: the recorder and the timer run
    }
    return i;
  }

  static inline std::int64_t now_ms = 1'780'000'000'000;  // make_start's day, 2026-05-28
  std::uint64_t t0 = 0;  // the worker's clock at start()
  config::Config config;
  std::unique_ptr<control::store::Store> history_store;
  std::unique_ptr<control::store::Store> reader;
  control::history::CallHistory history;
  boost::asio::io_context io;
  daemon::RecordingSetup setup;
};

config::Config recording_config(const std::string& data_dir, const std::string& directory) {
  config::Config c;
  c.data_dir = data_dir;
  c.dataplane.pin_workers = false;
  c.recording.directory = directory;
  c.recording.path_layout = "{date}/{campaign}/{call_id}";
  c.recording.flush_interval_ms = 100;
  return c;
}

}  // namespace

TEST_CASE("a recorded call becomes a store row naming its file, with the file's duration",
          "[recording][index]") {
  rec::TempDir data;
  World w(recording_config(data.path, "rec"));
  w.start();
  r::RecordingProducer& p = w.producer();
  const std::uint64_t t0 = w.t0;
  const r::RecordingId id = w.begin("call-7");
  const auto never = [] { return false; };
  std::size_t at = w.feed(p, id, t0, 0, 8000, never);  // 1 s
  REQUIRE(p.mark(id, r::MarkerKind::Tag, "vip", rec::ns_at(t0, at, 8000)) == r::ProducerStatus::Ok);
  REQUIRE(p.pause(id, rec::ns_at(t0, at, 8000)) == r::ProducerStatus::Ok);
  REQUIRE(p.resume(id, rec::ns_at(t0, at + 4000, 8000)) == r::ProducerStatus::Ok);
  at = w.feed(p, id, t0, at + 4000, 12000, never);  // 1.5 s more after a 0.5 s pause
  REQUIRE(p.stop(id, rec::ns_at(t0, at, 8000)) == r::ProducerStatus::Ok);
  w.settle([&] { return w.setup.index()->stats().rows > 0; });
  CHECK(w.setup.index()->pending() == 0);
  const auto rows = w.rows();
  REQUIRE(rows.size() == 1);
  const control::store::Recording& row = rows[0];
  const std::string wav = w.setup.root() + "/2026-05-28/spring-sale/call-7.wav";
  CHECK(row.path == wav);
  REQUIRE(fs::exists(row.path));
  CHECK(row.call_id == "call-7");
  CHECK(row.leg == "a");
  CHECK(row.campaign == "spring-sale");
  CHECK(row.agent == "agent-007");
  CHECK(row.format == "wav_stereo");
  CHECK(row.state == "complete");
  CHECK(row.started_at_ms == 1'780'000'000'000);
  CHECK(row.duration_ms == soxi_ms(wav));
  CHECK(row.duration_ms >= 2400);  // 1 s + 1.5 s, and the 0.5 s pause if kept as silence
  CHECK(row.duration_ms <= 3100);
  CHECK(row.ended_at_ms == row.started_at_ms + row.duration_ms);
  CHECK(row.size_bytes == static_cast<std::int64_t>(fs::file_size(wav)));
  CHECK(row.sha256.size() == 64);
  CHECK(row.tags == "vip");
  const auto markers = boost::json::parse(row.markers_json).as_array();
  std::vector<std::string> kinds;
  for (const auto& m : markers) kinds.emplace_back(m.at("kind").as_string());
  CHECK(kinds == std::vector<std::string>{"tag", "pause", "resume"});
  CHECK(markers.at(1).at("offset_ms").as_int64() == 1000);

  std::string metrics;
  w.setup.render_metrics(metrics);
  CHECK(metrics.find("dialcore_recording_index_rows_total 1\n") != std::string::npos);
  CHECK(metrics.find("dialcore_recording_index_pending 0\n") != std::string::npos);
}

TEST_CASE("a reload sends new recordings to the new folder, layout and mode, and both are indexed",
          "[recording][index][reload]") {
  rec::TempDir data;
  World w(recording_config(data.path, "rec"));
  w.start();
  r::RecordingProducer& p = w.producer();
  const auto never = [] { return false; };
  const r::RecordingId old_id = w.begin("call-old");
  std::size_t at_old = w.feed(p, old_id, w.t0, 0, 4000, never);

  config::Config next = recording_config(data.path, "rec2");
  next.recording.path_layout = "{agent}/{call_id}";
  next.recording.file_mode = 0600;
  REQUIRE_FALSE(w.setup.apply(next).has_value());
  CHECK(fs::is_directory(data.path + "/rec2"));
  CHECK(w.setup.root() == data.path + "/rec2");
  CHECK_FALSE(w.setup.apply(next).has_value());  // unchanged: nothing to do

  const r::RecordingId new_id = w.begin("call-new");
  std::size_t at_new = w.feed(p, new_id, w.t0, 0, 8000, never);
  at_old = w.feed(p, old_id, w.t0, at_old, 4000, never);
  REQUIRE(p.stop(old_id, rec::ns_at(w.t0, at_old, 8000)) == r::ProducerStatus::Ok);
  REQUIRE(p.stop(new_id, rec::ns_at(w.t0, at_new, 8000)) == r::ProducerStatus::Ok);
  w.settle([&] { return w.setup.index()->stats().rows >= 2; });
  CHECK(w.setup.index()->stats().unresolved == 0);
  CHECK(w.setup.index()->pending() == 0);

  const auto rows = w.rows();
  REQUIRE(rows.size() == 2);
  std::map<std::string, control::store::Recording> by_call;
  for (const auto& row : rows) by_call[row.call_id] = row;
  // Started before the reload: the old folder, layout and mode, and still found by the index.
  const std::string old_wav = data.path + "/rec/2026-05-28/spring-sale/call-old.wav";
  CHECK(by_call["call-old"].path == old_wav);
  CHECK(by_call["call-old"].state == "complete");
  CHECK((fs::status(old_wav).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
  // Started after: the new ones.
  const std::string new_wav = data.path + "/rec2/agent-007/call-new.wav";
  CHECK(by_call["call-new"].path == new_wav);
  CHECK(by_call["call-new"].state == "complete");
  CHECK((fs::status(new_wav).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(by_call["call-new"].duration_ms == soxi_ms(new_wav));
}

TEST_CASE("a queue call's recording under a {queue} layout is found and indexed",
          "[recording][index][queue]") {
  rec::TempDir data;
  config::Config c = recording_config(data.path, "rec");
  c.recording.path_layout = "{date}/{queue}/{call_id}";
  World w(c);
  w.start();
  r::RecordingProducer& p = w.producer();
  r::RecordingStart start = rec::make_start("call-q", 8000);
  r::copy_text(start.campaign, "help");
  start.group = r::RecordingGroup::Queue;
  r::RecordingId id;
  REQUIRE(p.start(start, w.t0, id) == r::ProducerStatus::Ok);
  REQUIRE(w.history.recording("call-q", "a", "call-q", World::now_ms + 40).ok());
  const std::size_t at = w.feed(p, id, w.t0, 0, 8000, [] { return false; });
  REQUIRE(p.stop(id, rec::ns_at(w.t0, at, 8000)) == r::ProducerStatus::Ok);
  w.settle([&] { return w.setup.index()->stats().rows > 0; });
  const auto rows = w.rows();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].path == data.path + "/rec/2026-05-28/help/call-q.wav");
  CHECK(rows[0].campaign.empty());
  CHECK(rows[0].state == "complete");
}

TEST_CASE("a full disk ends a recording with a truncated_disk_full row of what the file holds",
          "[recording][index][enospc]") {
  rec::TempDir data;
  SmallTmpfs full(data.path + "/full");
  REQUIRE(full.mounted);  // needs root (CAP_SYS_ADMIN): the tests run as root
  World w(recording_config(data.path, "full"));
  w.start();
  const r::RecordingId id = w.begin("big-call");
  // 30 s of stereo 8 kHz audio is 960 KB: far more than the 128 KB tmpfs holds.
  const auto indexed = [&] { return w.setup.index()->stats().rows > 0; };
  w.feed(w.producer(), id, w.t0, 0, 8000 * 30, indexed);
  w.settle(indexed);
  const auto rows = w.rows();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].state == "truncated_disk_full");
  CHECK(rows[0].path == full.path + "/2026-05-28/spring-sale/big-call.wav");
  CHECK(rows[0].duration_ms > 500);
  CHECK(rows[0].duration_ms < 4100);  // 128 KB hold 4 s of 8 kHz stereo at most
  CHECK(rows[0].duration_ms == soxi_ms(rows[0].path));
  CHECK(rows[0].size_bytes == static_cast<std::int64_t>(fs::file_size(rows[0].path)));
}

TEST_CASE("a recording open at shutdown is indexed as interrupted, rows come back unchanged",
          "[recording][index]") {
  rec::TempDir data;
  std::vector<control::store::Recording> first;
  {
    World w(recording_config(data.path, "rec"));
    w.start();
    const r::RecordingId id = w.begin("open-call");
    int ticks = 0;
    w.feed(w.producer(), id, w.t0, 0, 4000, [] { return false; });
    w.settle([&] { return ++ticks > 5; });
    w.setup.stop();  // as at SIGTERM, after the workers: Off/Shutdown, then the row
    first = w.rows();
    REQUIRE(first.size() == 1);
    CHECK(first[0].state == "interrupted");
    CHECK(first[0].duration_ms == soxi_ms(first[0].path));
  }
  // A second start finds the file indexed already: no report, the row as it was.
  World again(recording_config(data.path, "rec"));
  again.start();
  CHECK(again.setup.index()->stats().at_start == 0);
  CHECK(again.rows() == first);
  // Unknown calls and unreported recordings stay out; a template with any layout finds files.
  CHECK(again.setup.index()->find_sidecars("open-call", World::now_ms).size() == 1);
  CHECK(again.setup.index()->find_sidecars("other", World::now_ms).empty());
  CHECK(again.setup.index()->find_sidecars("open-call", World::now_ms + 86'400'000).empty());
}
