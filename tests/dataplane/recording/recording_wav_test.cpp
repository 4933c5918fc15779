// Recording through RecordingProducer and the Recorder into WAV files: what was fed is what the
// file holds, per channel, at 8 and 16 kHz; the mono mix; pause/resume and markers at the
// commanded offsets; events; the sidecar checked with an independent JSON parse and sha256sum;
// file mode and path template; the index rebuilt from the sidecars.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "dataplane/recording/recording_index.hpp"
#include "tests/dataplane/recording/recording_test_util.hpp"

using namespace dialcore::test::rec;
namespace r = dialcore::dataplane::recording;

namespace {

r::RecordingConfig config_in(const std::string& root) {
  r::RecordingConfig c;
  c.root = root;
  c.chunks_per_worker = 512;
  c.ring_items = 256;
  c.max_recordings_per_worker = 16;
  c.flush_interval_ms = 200;
  return c;
}

boost::json::object read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return boost::json::parse(s.str()).as_object();
}

}  // namespace

TEST_CASE("stereo WAV holds the customer left and the agent right, sample for sample", "[wav]") {
  for (const std::uint32_t rate : {8000u, 16000u}) {
    TempDir dir;
    Harness h(config_in(dir.path));
    const std::size_t n = rate * 3;  // 3 s
    const auto customer = pattern(n, 1), agent = pattern(n, 2);
    r::RecordingId id;
    REQUIRE(h.producer().start(make_start("call-" + std::to_string(rate), rate), 1'000'000, id) ==
            r::ProducerStatus::Ok);
    const std::uint64_t end = feed(h, id, customer, agent, rate, 1'000'000, 0);
    REQUIRE(h.producer().stop(id, end) == r::ProducerStatus::Ok);
    h.drain(end);

    const std::string base = dir.path + "/2026-05-28/spring-sale/call-" + std::to_string(rate);
    const WavData w = read_wav_file(base + ".wav");
    CHECK(w.rate == rate);
    CHECK(w.channels == 2);
    CHECK(w.file_size == 44 + w.data_size);
    REQUIRE(w.samples.size() == 2 * n);
    CHECK(w.channel(0) == customer);
    CHECK(w.channel(1) == agent);
    CHECK(h.producer().stats().read(r::ProducerCounter::ChunksDroppedRingFull) == 0);
    CHECK(h.producer().stats().read(r::ProducerCounter::FramesLate) == 0);
    CHECK(h.service.recorder(0).stats().read(r::RecorderCounter::GapFrames) == 0);

    struct stat st{};
    REQUIRE(stat((base + ".wav").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    REQUIRE(stat((base + ".json").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);

    const auto events = h.events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].state == r::RecordingState::Recording);
    CHECK(events[1].state == r::RecordingState::Off);
    CHECK(events[1].reason == r::OffReason::Stopped);
    CHECK(events[1].frames == n);
  }
}

TEST_CASE("the judge of channel placement can fail: swapped channels are caught", "[wav]") {
  TempDir dir;
  Harness h(config_in(dir.path));
  const auto customer = pattern(8000, 1), agent = pattern(8000, 2);
  r::RecordingId id;
  REQUIRE(h.producer().start(make_start("swap", 8000), 0, id) == r::ProducerStatus::Ok);
  const std::uint64_t end = feed(h, id, agent, customer, 8000, 0, 0);  // fed the wrong way round
  REQUIRE(h.producer().stop(id, end) == r::ProducerStatus::Ok);
  h.drain(end);
  const WavData w = read_wav_file(dir.path + "/2026-05-28/spring-sale/swap.wav");
  CHECK(w.channel(0) != customer);
  CHECK(w.channel(1) != agent);
}

TEST_CASE("mono WAV is the saturating mix of both parties", "[wav]") {
  TempDir dir;
  Harness h(config_in(dir.path));
  const auto customer = pattern(16000, 3), agent = pattern(16000, 4);
  r::RecordingId id;
  REQUIRE(h.producer().start(make_start("mono", 8000, r::RecordingFormat::MonoWav), 0, id) ==
          r::ProducerStatus::Ok);
  const std::uint64_t end = feed(h, id, customer, agent, 8000, 0, 0);
  REQUIRE(h.producer().stop(id, end) == r::ProducerStatus::Ok);
  h.drain(end);
  const WavData w = read_wav_file(dir.path + "/2026-05-28/spring-sale/mono.wav");
  REQUIRE(w.channels == 1);
  REQUIRE(w.samples.size() == customer.size());
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < customer.size(); ++i) {
    const int want = std::clamp(int{customer[i]} + int{agent[i]}, -32768, 32767);
    wrong += w.samples[i] != want;
  }
  CHECK(wrong == 0);
}

TEST_CASE("pause, resume, tags and masked spans land at the commanded offsets", "[wav][markers]") {
  TempDir dir;
  Harness h(config_in(dir.path));
  constexpr std::uint32_t kRate = 8000;
  const auto customer = pattern(kRate * 4, 5), agent = pattern(kRate * 4, 6);
  const std::span<const std::int16_t> c(customer), a(agent);
  r::RecordingId id;
  const std::uint64_t t0 = 5'000'000'000ull;
  REQUIRE(h.producer().start(make_start("marks", kRate), t0, id) == r::ProducerStatus::Ok);
  auto& p = h.producer();
  // 0-1 s audio (tag at 0.5 s), pause at 1.0 s, 1-2 s fed while paused, resume at 2.0 s,
  // announcement 2.2-2.6 s, masked 2.7-3.1 s, stop at 4.0 s.
  feed(h, id, c.first(4000), a.first(4000), kRate, t0, 0);
  REQUIRE(p.mark(id, r::MarkerKind::Tag, "customer asked for refund", ns_at(t0, 4000, kRate)) == r::ProducerStatus::Ok);
  feed(h, id, c.subspan(4000, 4000), a.subspan(4000, 4000), kRate, t0, 4000);
  REQUIRE(p.pause(id, ns_at(t0, 8000, kRate)) == r::ProducerStatus::Ok);
  CHECK(p.pause(id, ns_at(t0, 8000, kRate)) == r::ProducerStatus::Stale);  // already paused
  feed(h, id, c.subspan(8000, 8000), a.subspan(8000, 8000), kRate, t0, 8000);
  REQUIRE(p.resume(id, ns_at(t0, 16000, kRate)) == r::ProducerStatus::Ok);
  feed(h, id, c.subspan(16000, 1600), a.subspan(16000, 1600), kRate, t0, 16000);
  REQUIRE(p.mark(id, r::MarkerKind::AnnouncementStart, "pci-intro", ns_at(t0, 17600, kRate)) == r::ProducerStatus::Ok);
  feed(h, id, c.subspan(17600, 3200), a.subspan(17600, 3200), kRate, t0, 17600);
  REQUIRE(p.mark(id, r::MarkerKind::AnnouncementEnd, "pci-intro", ns_at(t0, 20800, kRate)) == r::ProducerStatus::Ok);
  feed(h, id, c.subspan(20800, 800), a.subspan(20800, 800), kRate, t0, 20800);
  REQUIRE(p.mark(id, r::MarkerKind::MaskBegin, "", ns_at(t0, 21600, kRate)) == r::ProducerStatus::Ok);
  feed(h, id, c.subspan(21600, 3200), a.subspan(21600, 3200), kRate, t0, 21600);
  REQUIRE(p.mark(id, r::MarkerKind::MaskEnd, "", ns_at(t0, 24800, kRate)) == r::ProducerStatus::Ok);
  const std::uint64_t end = feed(h, id, c.subspan(24800), a.subspan(24800), kRate, t0, 24800);
  REQUIRE(p.stop(id, end) == r::ProducerStatus::Ok);
  h.drain(end);

  const std::string base = dir.path + "/2026-05-28/spring-sale/marks";
  const WavData w = read_wav_file(base + ".wav");
  const auto left = w.channel(0), right = w.channel(1);
  REQUIRE(left.size() == kRate * 4);
  // Silence exactly where paused (to within 20 ms = 160 frames at each edge), audio elsewhere.
  auto silent = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) if (left[i] != 0 || right[i] != 0) return false;
    return true;
  };
  auto same = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) if (left[i] != customer[i] || right[i] != agent[i]) return false;
    return true;
  };
  CHECK(same(0, 8000 - 160));
  CHECK(silent(8000 + 160, 16000 - 160));
  CHECK(same(16000 + 160, kRate * 4));
  // The first non-silent sample after the pause: within 20 ms of the commanded resume.
  std::size_t resumed = 8000;
  while (resumed < left.size() && left[resumed] == 0) ++resumed;
  CHECK(resumed >= 16000 - 160);
  CHECK(resumed <= 16000 + 160);
  std::size_t paused = 8000 - 160;
  while (paused < left.size() && left[paused] != 0) ++paused;
  CHECK(paused >= 8000 - 160);
  CHECK(paused <= 8000 + 160);

  const auto side = read_json(base + ".json");
  const auto& markers = side.at("markers").as_array();
  REQUIRE(markers.size() == 7);
  const std::vector<std::pair<std::string, std::int64_t>> want = {
      {"tag", 500}, {"pause", 1000}, {"resume", 2000}, {"announcement_start", 2200},
      {"announcement_end", 2600}, {"mask_begin", 2700}, {"mask_end", 3100}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("marker " << i);
    CHECK(markers[i].at("kind").as_string() == want[i].first);
    CHECK(std::abs(markers[i].at("offset_ms").to_number<std::int64_t>() - want[i].second) <= 20);
  }
  CHECK(markers[0].at("text").as_string() == "customer asked for refund");
  CHECK(markers[3].at("text").as_string() == "pci-intro");
  const auto& spans = side.at("masked_spans").as_array();
  REQUIRE(spans.size() == 1);
  CHECK(std::abs(spans[0].at("begin_ms").to_number<std::int64_t>() - 2700) <= 20);
  CHECK(std::abs(spans[0].at("end_ms").to_number<std::int64_t>() - 3100) <= 20);

  const auto events = h.events();
  REQUIRE(events.size() == 4);
  CHECK(events[0].state == r::RecordingState::Recording);
  CHECK(events[1].state == r::RecordingState::Paused);
  CHECK(events[1].offset_frames == 8000);
  CHECK(events[2].state == r::RecordingState::Recording);
  CHECK(events[2].offset_frames == 16000);
  CHECK(events[3].state == r::RecordingState::Off);
}

TEST_CASE("the sidecar describes the recording and its SHA-256 matches sha256sum", "[wav][sidecar]") {
  TempDir dir;
  Harness h(config_in(dir.path));
  const auto customer = pattern(8000 * 2, 7), agent = pattern(8000 * 2, 8);
  r::RecordingId id;
  REQUIRE(h.producer().start(make_start("side", 8000), 0, id) == r::ProducerStatus::Ok);
  const std::uint64_t end = feed(h, id, customer, agent, 8000, 0, 0);
  REQUIRE(h.producer().stop(id, end) == r::ProducerStatus::Ok);
  h.drain(end);
  const std::string base = dir.path + "/2026-05-28/spring-sale/side";
  const auto s = read_json(base + ".json");
  CHECK(s.at("call_id").as_string() == "side");
  CHECK(s.at("campaign").as_string() == "spring-sale");
  CHECK(s.at("agent").as_string() == "agent-007");
  CHECK(s.at("customer_leg").to_number<std::uint64_t>() == dialcore::dataplane::LegId{3, 7}.packed());
  CHECK(s.at("agent_leg").to_number<std::uint64_t>() == dialcore::dataplane::LegId{4, 9}.packed());
  CHECK(s.at("start_unix_ms").to_number<std::uint64_t>() == 1'780'000'000'000ull);
  CHECK(s.at("codec").as_string() == "PCMU");
  CHECK(s.at("format").as_string() == "wav_stereo");
  CHECK(s.at("sample_rate_hz").to_number<int>() == 8000);
  CHECK(s.at("channels").to_number<int>() == 2);
  CHECK(s.at("audio_file").as_string() == "side.wav");
  CHECK(s.at("status").as_string() == "complete");
  CHECK(s.at("frames").to_number<std::uint64_t>() == 16000);
  CHECK(s.at("duration_ms").to_number<std::uint64_t>() == 2000);
  CHECK(s.at("sha256_offset").to_number<std::uint64_t>() == 44);
  const std::string sha = std::string(s.at("sha256").as_string());
  CHECK(sha.size() == 64);
  CHECK(sha == sha256sum_from(base + ".wav", 44));
  // The check can fail: the hash of the whole file (header included) differs.
  CHECK(sha != sha256sum_from(base + ".wav", 0));

  // Index from the sidecars; a second recording of the same call gets its own files.
  r::RecordingId id2;
  REQUIRE(h.producer().start(make_start("side", 8000), 0, id2) == r::ProducerStatus::Ok);
  const std::uint64_t end2 = feed(h, id2, customer, agent, 8000, 0, 0);
  REQUIRE(h.producer().stop(id2, end2) == r::ProducerStatus::Ok);
  h.drain(end2);
  const auto index = r::rebuild_index(dir.path);
  REQUIRE(index.size() == 2);
  CHECK(index[0].meta.call_id == "side");
  CHECK(index[1].meta.call_id == "side");
  CHECK(index[0].audio_path != index[1].audio_path);
  CHECK(index[0].meta.sha256 == sha256sum_from(index[0].audio_path, 44));
  CHECK(index[1].meta.sha256 == sha256sum_from(index[1].audio_path, 44));
}

TEST_CASE("path template: date, campaign and call id, sanitised, and explicit paths honoured", "[wav][path]") {
  TempDir dir;
  auto config = config_in(dir.path);
  config.path_template = "{yyyy}/{mm}/{dd}/{campaign}/{agent}-{call_id}";
  Harness h(config);
  auto start = make_start("../../etc/evil id", 8000);
  r::RecordingId id, id2;
  REQUIRE(h.producer().start(start, 0, id) == r::ProducerStatus::Ok);
  REQUIRE(h.producer().stop(id, 0) == r::ProducerStatus::Ok);
  REQUIRE(h.producer().start(make_start("x", 8000, r::RecordingFormat::StereoWav, "custom/place"), 0, id2) ==
          r::ProducerStatus::Ok);
  REQUIRE(h.producer().stop(id2, 0) == r::ProducerStatus::Ok);
  h.drain(0);
  struct stat st{};
  CHECK(stat((dir.path + "/2026/05/28/spring-sale/agent-007-_._.._etc_evil_id.wav").c_str(), &st) == 0);
  CHECK(stat((dir.path + "/custom/place.wav").c_str(), &st) == 0);
  CHECK(stat((dir.path + "/custom/place.json").c_str(), &st) == 0);
}

TEST_CASE("path template: {queue} for an inbound queue's call, {campaign} for a campaign's", "[wav][path]") {
  TempDir dir;
  auto config = config_in(dir.path);
  config.path_template = "{date}/{campaign}/{queue}/{call_id}";
  Harness h(config);
  r::RecordingStart queued = make_start("q-call", 8000);
  r::copy_text(queued.campaign, "help desk");
  queued.group = r::RecordingGroup::Queue;
  r::RecordingId id, id2;
  REQUIRE(h.producer().start(make_start("c-call", 8000), 0, id) == r::ProducerStatus::Ok);
  REQUIRE(h.producer().stop(id, 0) == r::ProducerStatus::Ok);
  REQUIRE(h.producer().start(queued, 0, id2) == r::ProducerStatus::Ok);
  REQUIRE(h.producer().stop(id2, 0) == r::ProducerStatus::Ok);
  h.drain(0);
  struct stat st{};
  CHECK(stat((dir.path + "/2026-05-28/spring-sale/none/c-call.wav").c_str(), &st) == 0);
  CHECK(stat((dir.path + "/2026-05-28/none/help_desk/q-call.wav").c_str(), &st) == 0);
  const auto side = r::read_sidecar(dir.path + "/2026-05-28/none/help_desk/q-call.json");
  REQUIRE(side.has_value());
  CHECK(side->queue == "help desk");
  CHECK(side->campaign.empty());
}

TEST_CASE("stale handles and bad arguments are refused and counted", "[wav]") {
  TempDir dir;
  Harness h(config_in(dir.path));
  r::RecordingId id;
  CHECK(h.producer().start(make_start("bad", 11025), 0, id) == r::ProducerStatus::BadArgument);
  REQUIRE(h.producer().start(make_start("ok", 8000), 0, id) == r::ProducerStatus::Ok);
  REQUIRE(h.producer().stop(id, 0) == r::ProducerStatus::Ok);
  CHECK(h.producer().stop(id, 0) == r::ProducerStatus::Stale);
  const std::int16_t pcm[160] = {};
  h.producer().push(id, r::Channel::Agent, pcm, 0);
  CHECK(h.producer().stats().read(r::ProducerCounter::StaleIds) == 2);
  CHECK(h.producer().mark(id, r::MarkerKind::Pause, "", 0) == r::ProducerStatus::BadArgument);
}
