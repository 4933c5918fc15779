#include "bench/dataplane/transcode_jb_bench.hpp"

#include <time.h>

#include <cstdio>
#include <memory>
#include <string>
#include <stdexcept>
#include <vector>

#include "bench/support/report.hpp"
#include "bench/support/stats.hpp"
#include "codecs/codec.hpp"
#include "dataplane/rtp/jitter_buffer.hpp"
#include "dataplane/worker/transcoder.hpp"

namespace dialcore::bench {
namespace {

using codecs::CodecId;
using dataplane::CodecSpec;
using dataplane::Transcoder;

constexpr std::uint64_t kFrameNs = 20'000'000;
constexpr std::uint32_t kFramesPerChunk = 10;

double cpu_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

CodecSpec spec(CodecId id, std::uint8_t pt) {
  CodecSpec s;
  s.format.id = id;
  s.payload_type = pt;
  s.ptime_ms = 20;
  return s;
}

// One mode's legs on its own simulated clock: frame f of every leg is "sent" at f x 20 ms;
// (f + leg) % 50 == 7 is lost, == 23 swapped with the next.
struct Mode {
  std::vector<std::unique_ptr<Transcoder>> legs;
  std::uint32_t frame = 0;
  std::uint64_t packets = 0, sink = 0;

  Mode(std::uint32_t n, bool jb) {
    Transcoder::Options o;
    o.jitter_buffer = jb;
    for (std::uint32_t i = 0; i < n; ++i) {
      legs.push_back(Transcoder::create(spec(CodecId::G729, 18), spec(CodecId::Pcmu, 0), o));
      if (!legs.back()) throw std::runtime_error("transcode_jb: cannot make a transcoder");
    }
  }
  std::uint64_t concealed() const {
    std::uint64_t c = 0;
    for (const auto& t : legs) c += t->concealed_packets();
    return c;
  }
  void deliver(Transcoder& t, const std::vector<std::uint8_t>& p, std::uint32_t f, std::uint64_t now) {
    auto emit = [this](std::span<const std::uint8_t> coded, std::uint32_t) noexcept { sink += coded.size(); };
    ++packets;
    if (t.buffered()) {
      (void)t.receive(0x5EED, static_cast<std::uint16_t>(f), 160 * f, p, now);
    } else {
      (void)t.push(p, static_cast<std::uint16_t>(f), emit);
    }
  }
  void run_frame(const std::vector<std::vector<std::uint8_t>>& payloads) {
    const std::uint64_t now = 1'000'000'000 + std::uint64_t{frame} * kFrameNs;
    auto emit = [this](std::span<const std::uint8_t> coded, std::uint32_t) noexcept { sink += coded.size(); };
    for (std::uint32_t i = 0; i < legs.size(); ++i) {
      Transcoder& t = *legs[i];
      const std::uint32_t phase = (frame + i) % 50;
      const auto& p = payloads[frame % payloads.size()];
      const auto& next = payloads[(frame + 1) % payloads.size()];
      if (phase == 23) {
        deliver(t, next, frame + 1, now);
        deliver(t, p, frame, now);
      } else if (phase != 7 && phase != 24) {
        deliver(t, p, frame, now);
      }
      if (t.buffered()) (void)t.play(now, [](std::span<std::int16_t>) noexcept {}, emit);
    }
    ++frame;
  }
};

}  // namespace

TranscodeJbRow run_transcode_jb(std::uint32_t legs, double seconds, std::span<const std::int16_t> speech) {
  // G.729 payloads of the speech, 20 ms each.
  auto enc = codecs::make_encoder(spec(CodecId::G729, 18).format, {});
  std::vector<std::vector<std::uint8_t>> payloads;
  for (std::size_t at = 0; at + 160 <= speech.size() && payloads.size() < 250; at += 160) {
    std::vector<std::uint8_t> p(20);
    const auto r = enc->encode(speech.subspan(at, 160), p);
    if (r.ok() && r.count == 20) payloads.push_back(std::move(p));
  }
  if (payloads.size() < 10) throw std::runtime_error("transcode_jb: speech too short");

  Mode on(legs, true), off(legs, false);
  for (std::uint32_t f = 0; f < 10; ++f) on.run_frame(payloads), off.run_frame(payloads);  // warm up
  const std::uint64_t on_c0 = on.concealed(), off_c0 = off.concealed();
  std::vector<double> on_ns, off_ns;
  std::uint64_t on_packets = 0, off_packets = 0;
  const double end = cpu_ns() + seconds * 2e9;
  while (cpu_ns() < end || on_ns.size() < 3) {
    for (Mode* m : {&on, &off}) {
      const std::uint64_t p0 = m->packets;
      const double t0 = cpu_ns();
      for (std::uint32_t f = 0; f < kFramesPerChunk; ++f) m->run_frame(payloads);
      const double ns = (cpu_ns() - t0) / static_cast<double>(m->packets - p0);
      (m == &on ? on_ns : off_ns).push_back(ns);
      (m == &on ? on_packets : off_packets) += m->packets - p0;
    }
  }
  TranscodeJbRow row;
  row.legs = legs;
  row.packets = std::min(on_packets, off_packets);
  row.on_ns = median(on_ns);
  row.off_ns = median(off_ns);
  row.ratio = row.off_ns > 0 ? row.on_ns / row.off_ns : 0;
  row.concealed_on = on.concealed() - on_c0;
  row.concealed_off = off.concealed() - off_c0;

  // The JitterBuffer alone: the same pattern, 1000 streams' worth of packets through one buffer
  // per stream, push + pull.
  std::vector<dataplane::rtp::JitterBuffer> jbs(64, dataplane::rtp::JitterBuffer({}));
  std::vector<double> jb_ns;
  std::uint32_t frame = 0;
  for (int chunk = 0; chunk < 200; ++chunk) {
    std::uint64_t n = 0;
    const double t0 = cpu_ns();
    for (std::uint32_t f = 0; f < 50; ++f, ++frame) {
      const std::uint64_t now = std::uint64_t{frame} * kFrameNs;
      for (std::uint32_t i = 0; i < jbs.size(); ++i) {
        if ((frame + i) % 50 != 7) {
          (void)jbs[i].push(1, static_cast<std::uint16_t>(frame), 160 * frame, payloads[frame % payloads.size()], now);
          ++n;
        }
        for (auto fr = jbs[i].pull(now); fr.kind != dataplane::rtp::PullKind::None; fr = jbs[i].pull(now)) {
          on.sink += fr.payload.size();
        }
      }
    }
    jb_ns.push_back((cpu_ns() - t0) / static_cast<double>(n));
  }
  row.jb_only_ns = median(jb_ns);
  if (on.sink == 0 || off.sink == 0) throw std::runtime_error("transcode_jb: nothing encoded");
  return row;
}

void add_transcode_jb(const TranscodeJbRow& r, boost::json::array& json_rows) {
  Table t({"scenario", "legs", "packets/mode", "jb on ns/pkt", "jb off ns/pkt", "on/off", "jb alone ns/pkt",
           "concealed on", "concealed off"});
  t.add({"transcode_jb", std::to_string(r.legs), std::to_string(r.packets), fixed(r.on_ns, 1), fixed(r.off_ns, 1),
         fixed(r.ratio, 3), fixed(r.jb_only_ns, 1), std::to_string(r.concealed_on), std::to_string(r.concealed_off)});
  std::printf("\ntranscode_jb: G.729 -> PCMU decode path, jitter buffer on vs off (thread CPU, medians of "
              "10-frame chunks, interleaved)\n\n%s", t.render().c_str());
  json_rows.push_back(boost::json::object{
      {"name", "transcode_jb"}, {"legs", r.legs}, {"packets", r.packets}, {"jb_on_ns_per_packet", r.on_ns},
      {"jb_off_ns_per_packet", r.off_ns}, {"jb_ratio", r.ratio}, {"jb_only_ns_per_packet", r.jb_only_ns},
      {"concealed_on", r.concealed_on}, {"concealed_off", r.concealed_off}});
}

}  // namespace dialcore::bench
