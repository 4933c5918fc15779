#include "tests/dataplane/recording/recording_test_util.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace dialcore::test::rec {

TempDir::TempDir() {
  std::string tmpl = "/tmp/dialcore-rec-XXXXXX";
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  path = tmpl;
}
TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

namespace {
std::uint32_t le32(const unsigned char* p) { return p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t{p[3]} << 24; }
std::uint16_t le16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] | p[1] << 8); }
}  // namespace

std::vector<std::int16_t> WavData::channel(int c) const {
  std::vector<std::int16_t> out;
  for (std::size_t i = static_cast<std::size_t>(c); i < samples.size(); i += channels) out.push_back(samples[i]);
  return out;
}

WavData read_wav_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() >= 44);
  const unsigned char* p = bytes.data();
  REQUIRE(std::memcmp(p, "RIFF", 4) == 0);
  REQUIRE(std::memcmp(p + 8, "WAVEfmt ", 8) == 0);
  REQUIRE(le16(p + 20) == 1);   // PCM
  REQUIRE(le16(p + 34) == 16);  // bits
  REQUIRE(std::memcmp(p + 36, "data", 4) == 0);
  WavData w;
  w.channels = le16(p + 22);
  w.rate = le32(p + 24);
  REQUIRE(le32(p + 28) == w.rate * w.channels * 2);
  w.riff_size = le32(p + 4);
  w.data_size = le32(p + 40);
  w.file_size = bytes.size();
  REQUIRE(w.riff_size == w.data_size + 36);
  REQUIRE(w.data_size <= bytes.size() - 44);
  REQUIRE(w.data_size % (2u * w.channels) == 0);
  w.samples.resize(w.data_size / 2);
  std::memcpy(w.samples.data(), p + 44, w.data_size);
  return w;
}

r::RecordingStart make_start(const std::string& call_id, std::uint32_t rate,
                             r::RecordingFormat format, const std::string& path) {
  r::RecordingStart s;
  r::copy_text(s.call_id, call_id);
  r::copy_text(s.campaign, "spring-sale");
  r::copy_text(s.agent, "agent-007");
  r::copy_text(s.path, path);
  s.customer_leg = dataplane::LegId{3, 7};
  s.agent_leg = dataplane::LegId{4, 9};
  s.start_unix_ms = 1'780'000'000'000ull;  // 2026-05-28 UTC
  s.codec = rate == 16000 ? codecs::CodecId::L16 : codecs::CodecId::Pcmu;
  s.format = format;
  s.sample_rate_hz = rate;
  return s;
}

Harness::Harness(r::RecordingConfig c) : config(c), service(config, 1) {}

void Harness::drain(std::uint64_t now_ns) {
  while (service.recorder(0).poll(now_ns)) {
  }
}

std::vector<r::RecordingEvent> Harness::events() {
  std::vector<r::RecordingEvent> out(256);
  out.resize(service.poll_events(out));
  return out;
}

std::uint64_t ns_at(std::uint64_t start_ns, std::uint64_t frames, std::uint32_t rate) {
  return start_ns + frames * 1'000'000'000ull / rate;
}

std::uint64_t feed(Harness& h, r::RecordingId id, std::span<const std::int16_t> customer,
                   std::span<const std::int16_t> agent, std::uint32_t rate, std::uint64_t start_ns,
                   std::uint64_t first_frame, int drain_every) {
  const std::size_t packet = rate / 50;
  std::uint64_t now = start_ns;
  int k = 0;
  for (std::size_t i = 0; i + packet <= customer.size(); i += packet) {
    now = ns_at(start_ns, first_frame + i + packet, rate);
    h.producer().push(id, r::Channel::Customer, customer.subspan(i, packet), now);
    h.producer().push(id, r::Channel::Agent, agent.subspan(i, packet), now);
    h.producer().poll();
    if (drain_every > 0 && ++k % drain_every == 0) h.drain(now);
  }
  return now;
}

std::string run_command(const std::string& command) {
  std::string out;
  FILE* f = popen(command.c_str(), "r");
  REQUIRE(f != nullptr);
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), f) != nullptr) out += buf.data();
  pclose(f);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string multimon_channel(const std::string& wav, int channel) {
  return run_command("sox -D -V1 '" + wav + "' -t raw -e signed-integer -b 16 -r 22050 -c 1 - remix " +
                     std::to_string(channel) +
                     " | multimon-ng -q -t raw -a DTMF - 2>/dev/null | sed -n 's/^DTMF: *//p' | tr -d '\\n'");
}

std::string sha256sum_from(const std::string& path, std::uint64_t offset) {
  const std::string out = run_command("tail -c +" + std::to_string(offset + 1) + " '" + path + "' | sha256sum");
  return out.substr(0, out.find(' '));
}

std::vector<std::int16_t> pattern(std::size_t n, std::uint32_t seed) {
  std::vector<std::int16_t> v(n);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& s : v) {
    x = x * 1664525u + 1013904223u;
    s = static_cast<std::int16_t>(x >> 16);
    if (s == 0) s = 1;  // never zero: silence in a file is then always a gap
  }
  return v;
}

}  // namespace dialcore::test::rec
