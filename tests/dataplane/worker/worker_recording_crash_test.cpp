// Crash and full-disk acceptance of issue 5 through real worker legs: oRTP far ends exchange
// PCMU speech through a bridged pair on a socket-backend worker, a real recorder thread writes
// the stereo WAV (recording_call.hpp).
//  - kill -9: a child process runs the call at real-time pace and is killed mid-call; the
//    start-up repair makes the file playable (sox) and indexes it (rebuild_index), it holds what
//    the customer sent (aligned SNR >= 30 dB) and misses at most the flush interval plus the
//    two open chunks and one packet of reporting lag.
//  - a full filesystem (a 128 KiB tmpfs the test mounts; needs root, as the tests run): the
//    recording ends Off/DiskFull with a valid header over what reached the disk and a disk_full
//    sidecar, while the call goes on: both far ends keep receiving each other's audio, and the
//    leg still takes commands.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "dataplane/recording/recording_index.hpp"
#include "tests/support/audio_metrics.hpp"
#include "tests/support/fixtures.hpp"
#include "recording_call.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;
namespace r = dialcore::dataplane::recording;

namespace {

constexpr std::uint32_t kFlushMs = 200;

// What the child tells the parent, one record per 20 ms frame: the frames the customer has
// sent since the recording started, after the worker took them.
struct Progress {
  std::uint64_t fed = 0;
  std::uint32_t start_frame = 0;  // the customer's sent frames when the recording started
};

[[noreturn]] void child(int out_fd, const std::string& root_file) {
  try {
    r::RecordingConfig config = recording_config("");
    config.flush_interval_ms = kFlushMs;
    RecordedCall c(true, config);
    // The parent needs the root (the child's temporary folder) to repair it afterwards.
    if (FILE* f = std::fopen(root_file.c_str(), "w")) {
      std::fputs(c.dir.path.c_str(), f);
      std::fclose(f);
    }
    c.customer.play(load_speech("business-answer-8k.wav", 8000));
    c.agent.play(load_speech("personal-greeting-8k.wav", 8000));
    c.run(10);
    Progress p;
    p.start_frame = c.customer.sent_frames();
    c.start("crash-call");
    const auto t0 = std::chrono::steady_clock::now();
    for (int k = 1; k <= 1500; ++k) {  // 30 s: the parent kills it long before
      std::this_thread::sleep_until(t0 + std::chrono::milliseconds(20 * k));
      c.run(1);
      p.fed = std::uint64_t{c.customer.sent_frames() - p.start_frame} * 160;
      if (::write(out_fd, &p, sizeof(p)) != sizeof(p)) _exit(5);
    }
  } catch (...) {
    _exit(2);
  }
  _exit(6);
}

struct SmallTmpfs {
  explicit SmallTmpfs(const std::string& where) : path(where) {
    mounted = ::mount("tmpfs", path.c_str(), "tmpfs", 0, "size=128k,mode=0755") == 0;
  }
  ~SmallTmpfs() {
    if (mounted) ::umount2(path.c_str(), MNT_DETACH);
  }
  std::string path;
  bool mounted = false;
};

}  // namespace

TEST_CASE("kill -9 mid-call through worker legs: repaired, playable, indexed, at most the flush interval lost",
          "[worker][recording][crash][ortp]") {
  rec::TempDir scratch;
  const std::string root_file = scratch.path + "/root";
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    child(fds[1], root_file);
  }
  ::close(fds[1]);
  Progress p, value;
  while (p.fed < 8000 * 17 / 10 && ::read(fds[0], &value, sizeof(value)) == sizeof(value)) p = value;
  REQUIRE(p.fed >= 8000 * 17 / 10);  // 1.7 s into the recording: several flushes, one under way
  REQUIRE(::kill(pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFSIGNALED(status));
  while (::read(fds[0], &value, sizeof(value)) == sizeof(value)) p = value;  // sent before it died
  ::close(fds[0]);

  std::string root;
  {
    std::FILE* f = std::fopen(root_file.c_str(), "r");
    REQUIRE(f != nullptr);
    char buf[512] = {};
    root = std::string(buf, std::fread(buf, 1, sizeof(buf) - 1, f));
    std::fclose(f);
  }
  REQUIRE(root.find("/") == 0);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{root};
  const std::string base = root + "/2026-01-02/camp/crash-call";
  // Before any repair the header already describes a playable prefix (valid at every flush).
  CHECK(rec::read_wav_file(base + ".wav").data_size > 0);

  // The start-up repair, then the index rebuilt from the sidecars.
  const auto report = r::repair_recordings(root);
  REQUIRE(report.failed.empty());
  REQUIRE(report.repaired.size() == 1);
  CHECK(report.repaired[0] == base + ".wav");
  const auto index = r::rebuild_index(root);
  REQUIRE(index.size() == 1);
  CHECK(index[0].meta.status == "repaired");
  CHECK(index[0].meta.call_id == "crash-call");

  const rec::WavData w = rec::read_wav_file(base + ".wav");
  CHECK(w.file_size == 44 + w.data_size);
  const auto left = w.channel(0);
  const std::uint64_t frames = left.size();
  CHECK(index[0].meta.frames == frames);
  CHECK(index[0].meta.sha256 == rec::sha256sum_from(base + ".wav", 44));
  const std::uint64_t missing = p.fed - std::min<std::uint64_t>(p.fed, frames);
  // Flush interval + the two open chunks (80 ms at 8 kHz) + one packet of reporting lag.
  const std::uint64_t bound = 8000 * kFlushMs / 1000 + 640 + 160;
  INFO("fed " << p.fed << " frames, the file holds " << frames << ", missing " << missing << ", bound " << bound);
  CHECK(missing <= bound);
  CHECK(frames <= p.fed + 160);
  CHECK(rec::run_command("sox --i -c '" + base + ".wav'") == "2");
  CHECK(rec::run_command("sox --i -s '" + base + ".wav'") == std::to_string(frames));

  // What is there is what the customer sent (the speech, looped, from the start frame on).
  const auto speech = load_speech("business-answer-8k.wav", 8000);
  const std::size_t first = std::size_t{p.start_frame} * 160;
  std::vector<std::int16_t> sent(first + frames + 1600);
  for (std::size_t i = 0; i < sent.size(); ++i) sent[i] = speech[i % speech.size()];
  const Alignment al = best_alignment(left, sent, first + 800);
  INFO("lag " << al.lag);
  CHECK(al.lag + 160 >= first);
  const std::size_t n = static_cast<std::size_t>(frames) - 320;
  CHECK(segmental_snr_db(std::span<const std::int16_t>(sent).subspan(al.lag + 160, n - 160),
                         std::span<const std::int16_t>(left).subspan(160, n - 160), 160) >= 30.0);
}

TEST_CASE("a full filesystem ends the recording cleanly and the call goes on", "[worker][recording][enospc][ortp]") {
  RecordedCall c;
  SmallTmpfs full(c.dir.path);  // the recordings root itself: 128 KiB, ~4 s of 8 kHz stereo
  REQUIRE(full.mounted);        // needs root (CAP_SYS_ADMIN): the tests run as root
  c.customer.play(load_speech("business-answer-8k.wav", 8000));
  c.agent.play(load_speech("personal-greeting-8k.wav", 8000));
  c.run(10);
  const r::RecordingId id = c.start("full-call");
  // Until the recorder says Off (bounded: 30 s of audio is 960 KB, far more than fits).
  std::vector<r::RecordingEvent> buf(16);
  bool off = false;
  for (int i = 0; i < 1500 && !off; ++i) {
    c.run(1);
    const std::size_t got = c.service.poll_events(buf);
    c.events.insert(c.events.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(got));
    off = std::any_of(c.events.begin(), c.events.end(),
                      [&](const r::RecordingEvent& e) { return e.id == id && e.state == r::RecordingState::Off; });
    if (i % 25 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(kFlushMs / 2));  // flushes happen
  }
  REQUIRE(off);
  const r::RecordingEvent ended = c.wait_off(id);
  CHECK(ended.reason == r::OffReason::DiskFull);
  CHECK(ended.error == ENOSPC);

  // The call is untouched: both far ends keep hearing each other, the leg takes commands.
  const std::size_t to_agent = c.agent.audio_packets(), to_customer = c.customer.audio_packets();
  c.run(50);
  CHECK(c.agent.audio_packets() >= to_agent + 45);
  CHECK(c.customer.audio_packets() >= to_customer + 45);
  // The worker still holds the recording until control stops it (README: after an Off control
  // did not ask for, control sends stop); then it has no recording any more.
  CHECK(c.h.call(c.leg_c, StopRecordingArgs{}).status == ReplyStatus::Ok);
  CHECK(c.h.call(c.leg_c, PauseRecordingArgs{}).status == ReplyStatus::WrongState);

  // The file: a valid header over the whole frames that reached the disk, and "disk_full".
  const std::string wav = c.only_file();
  const rec::WavData w = rec::read_wav_file(wav);
  CHECK(w.file_size == 44 + w.data_size);
  CHECK(w.data_size > 32000);  // about a second or more did fit
  CHECK(w.data_size % 4 == 0);
  CHECK(RecordedCall::sidecar_of(wav).status == "disk_full");
  CHECK(rec::run_command("sox --i -c '" + wav + "'") == "2");
}
