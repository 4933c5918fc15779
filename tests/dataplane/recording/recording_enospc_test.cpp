// A full disk (a 256 KiB tmpfs the test mounts, unmounted on exit): the recording on it ends with
// a DiskFull event and a counter, its file keeps what reached the disk under a valid header and
// its sidecar says disk_full; the recording on another file system goes on untouched; starting
// one on the full disk fails cleanly; once space returns, new recordings work.
#include <catch2/catch.hpp>
#include <sys/mount.h>

#include <filesystem>

#include "dataplane/recording/sidecar.hpp"
#include "tests/dataplane/recording/recording_test_util.hpp"

using namespace dialcore::test::rec;
namespace r = dialcore::dataplane::recording;

namespace {

struct SmallTmpfs {
  SmallTmpfs() {
    mounted = ::mount("tmpfs", dir.path.c_str(), "tmpfs", 0, "size=256k,mode=0755") == 0;
  }
  ~SmallTmpfs() {
    if (mounted) ::umount2(dir.path.c_str(), MNT_DETACH);
  }
  TempDir dir;
  bool mounted = false;
};

constexpr std::uint32_t kRate = 8000;

}  // namespace

TEST_CASE("ENOSPC ends that recording alone, cleanly, and new ones work once space returns", "[enospc]") {
  SmallTmpfs full;
  REQUIRE(full.mounted);  // needs root (CAP_SYS_ADMIN): the tests run as root
  TempDir other;
  r::RecordingConfig c;
  c.root = other.path;
  c.flush_interval_ms = 100;
  c.chunks_per_worker = 1024;
  c.ring_items = 1024;
  c.max_recordings_per_worker = 8;
  Harness h(c);
  auto& p = h.producer();
  const auto customer = pattern(kRate * 12, 21), agent = pattern(kRate * 12, 22);
  r::RecordingId on_full, elsewhere;
  REQUIRE(p.start(make_start("a", kRate, r::RecordingFormat::StereoWav, full.dir.path + "/a"), 0, on_full) == r::ProducerStatus::Ok);
  REQUIRE(p.start(make_start("b", kRate), 0, elsewhere) == r::ProducerStatus::Ok);
  std::uint64_t now = 0;
  for (std::size_t i = 0; i + 160 <= customer.size(); i += 160) {
    now = ns_at(0, i + 160, kRate);
    for (auto id : {on_full, elsewhere}) {
      p.push(id, r::Channel::Customer, std::span(customer).subspan(i, 160), now);
      p.push(id, r::Channel::Agent, std::span(agent).subspan(i, 160), now);
    }
    p.poll();
    h.drain(now);
  }
  std::vector<r::RecordingEvent> events = h.events();
  auto off_event = [&](r::RecordingId id) -> const r::RecordingEvent* {
    for (const auto& e : events) if (e.id == id && e.state == r::RecordingState::Off) return &e;
    return nullptr;
  };
  const r::RecordingEvent* a_off = off_event(on_full);
  REQUIRE(a_off != nullptr);
  CHECK(a_off->reason == r::OffReason::DiskFull);
  CHECK(a_off->error == ENOSPC);
  CHECK(off_event(elsewhere) == nullptr);
  CHECK(h.service.recorder(0).stats().read(r::RecorderCounter::DiskFull) == 1);
  // The producer learns nothing it must react to; its stop is still accepted and discarded.
  CHECK(p.stop(on_full, now) == r::ProducerStatus::Ok);

  // Starting on the full disk fails cleanly, with an event.
  r::RecordingId while_full;
  REQUIRE(p.start(make_start("d", kRate, r::RecordingFormat::StereoWav, full.dir.path + "/d"), now, while_full) == r::ProducerStatus::Ok);
  h.drain(now);
  events = h.events();
  const r::RecordingEvent* d_off = off_event(while_full);
  REQUIRE(d_off != nullptr);
  CHECK((d_off->reason == r::OffReason::OpenFailed || d_off->reason == r::OffReason::DiskFull));
  (void)p.stop(while_full, now);

  REQUIRE(p.stop(elsewhere, now) == r::ProducerStatus::Ok);
  h.drain(now);
  const WavData b = read_wav_file(other.path + "/2026-05-28/spring-sale/b.wav");
  CHECK(b.channel(0) == customer);
  CHECK(b.channel(1) == agent);

  // The file on the full disk: a valid header over exactly the whole frames that got there.
  const WavData a = read_wav_file(full.dir.path + "/a.wav");
  CHECK(a.file_size == 44 + a.data_size);
  const auto left = a.channel(0);
  CHECK(left.size() > kRate * 5);  // ~7.5 s fit in 256 KiB
  CHECK(left.size() < customer.size());
  CHECK(std::equal(left.begin(), left.end(), customer.begin()));
  const auto side = r::read_sidecar(full.dir.path + "/a.json");
  REQUIRE(side);
  CHECK(side->status == "disk_full");
  CHECK(side->frames == left.size());
  CHECK(side->sha256 == sha256sum_from(full.dir.path + "/a.wav", 44));

  // Space returns: a new recording on that file system works.
  std::filesystem::remove(full.dir.path + "/a.wav");
  r::RecordingId again;
  const std::uint64_t t1 = now;
  REQUIRE(p.start(make_start("c", kRate, r::RecordingFormat::StereoWav, full.dir.path + "/c"), t1, again) == r::ProducerStatus::Ok);
  const auto second = std::span(customer).first(kRate);
  const auto second_agent = std::span(agent).first(kRate);
  const std::uint64_t end = feed(h, again, second, second_agent, kRate, t1, 0);
  REQUIRE(p.stop(again, end) == r::ProducerStatus::Ok);
  h.drain(end);
  const WavData cfile = read_wav_file(full.dir.path + "/c.wav");
  CHECK(cfile.channel(0) == std::vector<std::int16_t>(second.begin(), second.end()));
  const auto cside = r::read_sidecar(full.dir.path + "/c.json");
  REQUIRE(cside);
  CHECK(cside->status == "complete");
}
