// Crash safety: a child process records at real-time pace through a recorder thread and is
// killed with SIGKILL; the file it leaves already has a valid header (kept valid at every
// flush), the start-up repair marks it repaired and indexes it, sox plays it, its audio is what
// was fed, and it misses at most the flush interval plus the chunks in flight.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "dataplane/recording/recording_index.hpp"
#include "tests/dataplane/recording/recording_test_util.hpp"

using namespace dialcore::test::rec;
namespace r = dialcore::dataplane::recording;

namespace {

constexpr std::uint32_t kRate = 8000;
constexpr std::uint32_t kFlushMs = 200;

[[noreturn]] void child(const std::string& root, int out_fd, const std::vector<std::int16_t>& customer,
                        const std::vector<std::int16_t>& agent) {
  r::RecordingConfig c;
  c.root = root;
  c.flush_interval_ms = kFlushMs;
  c.chunks_per_worker = 1024;
  c.ring_items = 1024;
  c.max_recordings_per_worker = 4;
  r::RecordingService service(c, 1);
  if (!service.start()) _exit(3);
  auto& p = service.producer(0);
  const auto t0 = std::chrono::steady_clock::now();
  r::RecordingId id;
  if (p.start(make_start("crash", kRate), 0, id) != r::ProducerStatus::Ok) _exit(4);
  for (std::size_t i = 0; i + 160 <= customer.size(); i += 160) {
    std::this_thread::sleep_until(t0 + std::chrono::milliseconds(20 * (i / 160 + 1)));
    const std::uint64_t now = ns_at(0, i + 160, kRate);
    p.push(id, r::Channel::Customer, std::span(customer).subspan(i, 160), now);
    p.push(id, r::Channel::Agent, std::span(agent).subspan(i, 160), now);
    p.poll();
    const std::uint64_t fed = i + 160;
    if (::write(out_fd, &fed, sizeof(fed)) != sizeof(fed)) _exit(5);
  }
  _exit(6);  // not reached in the test: killed first
}

}  // namespace

TEST_CASE("kill -9 mid-recording leaves a file the repair makes playable and indexed", "[crash]") {
  TempDir dir;
  const auto customer = pattern(kRate * 10, 11), agent = pattern(kRate * 10, 12);
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    child(dir.path, fds[1], customer, agent);
  }
  ::close(fds[1]);
  std::uint64_t fed = 0, value = 0;
  while (fed < kRate * 17 / 10 && ::read(fds[0], &value, sizeof(value)) == sizeof(value)) fed = value;
  REQUIRE(fed >= kRate * 17 / 10);  // 1.7 s in: several flushes, and one in progress
  REQUIRE(::kill(pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFSIGNALED(status));
  while (::read(fds[0], &value, sizeof(value)) == sizeof(value)) fed = value;  // reported before death
  ::close(fds[0]);

  const std::string base = dir.path + "/2026-05-28/spring-sale/crash";
  // Before any repair: the header already describes a playable prefix.
  const WavData before = read_wav_file(base + ".wav");
  CHECK(before.data_size > 0);

  const auto report = r::repair_recordings(dir.path);
  REQUIRE(report.failed.empty());
  REQUIRE(report.repaired.size() == 1);
  CHECK(report.repaired[0] == base + ".wav");

  const WavData w = read_wav_file(base + ".wav");
  CHECK(w.file_size == 44 + w.data_size);
  const auto left = w.channel(0), right = w.channel(1);
  const std::uint64_t frames = left.size();
  const std::uint64_t missing = fed - std::min<std::uint64_t>(fed, frames);
  // Flush interval + two open chunks (80 ms at 8 kHz) + one packet of reporting lag.
  const std::uint64_t bound = kRate * kFlushMs / 1000 + 640 + 160;
  INFO("fed " << fed << " frames, file holds " << frames << ", missing " << missing << ", bound " << bound);
  CHECK(missing <= bound);
  CHECK(frames <= fed + 160);
  CHECK(std::equal(left.begin(), left.end(), customer.begin()));
  CHECK(std::equal(right.begin(), right.end(), agent.begin()));

  // sox reads it as what it is.
  CHECK(run_command("sox --i -r '" + base + ".wav'") == "8000");
  CHECK(run_command("sox --i -c '" + base + ".wav'") == "2");
  CHECK(run_command("sox --i -s '" + base + ".wav'") == std::to_string(frames));
  CHECK(run_command("sox -V1 '" + base + ".wav' -n stat 2>&1 >/dev/null; echo $?").ends_with("0"));

  const auto index = r::rebuild_index(dir.path);
  REQUIRE(index.size() == 1);
  CHECK(index[0].meta.status == "repaired");
  CHECK(index[0].meta.frames == frames);
  CHECK(index[0].meta.sha256 == sha256sum_from(base + ".wav", 44));

  // A second scan has nothing left to do.
  CHECK(r::repair_recordings(dir.path).repaired.empty());
}

TEST_CASE("the repair cuts a torn frame and rewrites sizes, and refuses files that are not ours", "[crash]") {
  TempDir dir;
  {
    r::RecordingConfig c;
    c.root = dir.path;
    c.chunks_per_worker = 64;
    c.ring_items = 64;
    c.max_recordings_per_worker = 2;
    Harness h(c);
    const auto pcm = pattern(8000, 13);
    r::RecordingId id;
    REQUIRE(h.producer().start(make_start("torn", kRate), 0, id) == r::ProducerStatus::Ok);
    const std::uint64_t end = feed(h, id, pcm, pcm, kRate, 0, 0);
    REQUIRE(h.producer().stop(id, end) == r::ProducerStatus::Ok);
    h.drain(end);
  }
  const std::string wav = dir.path + "/2026-05-28/spring-sale/torn.wav";
  // Simulate power loss mid-write: 3 stray bytes, header sizes zeroed, sidecar still "recording".
  run_command("printf 'xyz' >> '" + wav + "'");
  run_command("printf '\\000\\000\\000\\000' | dd of='" + wav + "' bs=1 seek=40 conv=notrunc 2>/dev/null");
  const std::string side = dir.path + "/2026-05-28/spring-sale/torn.json";
  run_command("sed -i 's/\"status\":\"complete\"/\"status\":\"recording\"/' '" + side + "'");
  run_command("printf 'not a wav file at all, really not, no header here' > '" + dir.path + "/junk.wav'");
  const auto report = r::repair_recordings(dir.path);
  CHECK(report.repaired.size() == 1);
  CHECK(report.failed.size() == 1);  // junk.wav
  const WavData w = read_wav_file(wav);
  CHECK(w.data_size == 8000 * 4);
  CHECK(w.file_size == 44 + w.data_size);
}
