#include "bench/dataplane/dataplane_bench.hpp"

#include <time.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/dataplane/conference_bench.hpp"
#include "bench/dataplane/dataplane_traffic.hpp"
#include "bench/dataplane/ring_port.hpp"
#include "bench/dataplane/runtime_relay_bench.hpp"
#include "bench/dataplane/transcode_jb_bench.hpp"
#include "bench/dataplane/worker_driver.hpp"
#include "bench/support/args.hpp"
#include "bench/support/report.hpp"
#include "bench/support/stats.hpp"
#include "bench/support/wav_file.hpp"
#include "codecs/codec.hpp"
#include "dataplane/io/dpdk_io.hpp"
#include "dataplane/recording/recording_service.hpp"

#include "dataplane/io/dpdk_headers.hpp"

namespace dialcore::bench {
namespace {

using codecs::CodecId;
using dataplane::CodecSpec;
using dataplane::NetAddress;

constexpr const char* kHelp =
    "usage: dialbench dataplane --backend dpdk [--legs N] [--transcode-legs N] [--seconds S]\n"
    "                           [--fixtures DIR] [--json]\n"
    "       dialbench dataplane --backend dpdk --workers N [--legs N] [--seconds S] [--json]\n"
    "\n"
    "With --workers: the dataplane Runtime as dialcored runs it (N unpinned worker threads,\n"
    "idle sleep 20 us; legs spread over them, bridged pairs on one worker) relaying G.711 on the DPDK\n"
    "backend (a net_ring port: one RX ring the bench injects on, so worker 0 dispatches the\n"
    "others' RTP in software; a TX ring per worker; rx_checksum trust) and then, in the same run,\n"
    "on the socket backend (loopback peers). Per worker: relayed packets/s (the bench thread\n"
    "shares the cores and bounds it) and the worker thread's CPU ns per relayed packet; the\n"
    "dpdk/socket ratios of both. --legs is the total (default 400). --json: one line\n"
    "{\"bench\":\"dataplane\",\"backend\":\"dpdk\",\"mode\":\"runtime\",\"workers\",\"legs\",\"seconds\",\n"
    "\"rows\":[{\"backend\",\"worker\",\"packets\",\"pps\",\"cpu_ns_per_packet\",\"sw_dispatched\",\"sw_dispatch_drops\"}...],\n"
    "\"dpdk_pps_per_worker\",\"socket_pps_per_worker\",\"dpdk_cpu_ns_per_packet\",\n"
    "\"socket_cpu_ns_per_packet\",\"dpdk_socket_pps_ratio\",\"dpdk_socket_cpu_ratio\"}.\n"
    "\n"
    "Without --workers:\n"
    "One Worker on DpdkIo over a net_ring port (EAL --no-huge --no-pci; no kernel in the path).\n"
    "The bench plays the wire on the same thread, between worker turns: it writes bursts of 32\n"
    "RTP frames (real IPv4/UDP checksums) round robin over every stream, both directions of\n"
    "every bridged pair, runs one worker turn (timed with rte_rdtsc), and takes what the port\n"
    "sent. Scenarios, each on a fresh port, backend and worker:\n"
    "  relay_verify         G.711 pass-through, rx_checksum verify, UDP checksum computed on TX\n"
    "  relay_trust          the same with rx_checksum trust\n"
    "  relay_trust_notxsum  trust, and UDP checksum 0 on TX (stands for a NIC's TX offload)\n"
    "  g711_g729            PCMU <-> G.729 transcoding (--transcode-legs legs)\n"
    "  g711_opus            PCMU <-> Opus (8 kHz, 20 ms, complexity 5) transcoding\n"
    "  relay_vclock         relay_trust on a virtual clock (20 ms per round over the streams)\n"
    "  relay_recorded       the same with every pair recorded (issue 5): both directions decoded\n"
    "                       and copied into the producer's chunks. No recorder thread drains\n"
    "                       them, so every full chunk meets a full ring and is dropped after the\n"
    "                       copy: the row is the worker's whole share of recording, no disk.\n"
    "  mix_g711, mix_g729,  a 3-party conference's 20 ms tick (issue 8: members PCMU+PCMA+PCMU,\n"
    "  mix_opus             +G.729 or +Opus as third): each member's packet decoded into its FIFO,\n"
    "                       the sum, three mix-minus frames encoded (the worker's Conference), vs\n"
    "                       the same three legs' plain transcoding (one Transcoder each, to the next\n"
    "                       member's codec), 200-tick chunks alternating, thread CPU time; ratio =\n"
    "                       tick / transcoding. A table of its own after the relay table.\n"
    "  transcode_jb         the transcoding decode path (G.729 -> PCMU, Transcoder only, no I/O)\n"
    "                       with the jitter buffer on vs off, interleaved; 2 % loss, 2 % swaps;\n"
    "                       its own table and a row with on/off ns per packet and their ratio\n"
    "                       (bench/dataplane/README.md)\n"
    "For the transcoding rows the codec-only cost is measured in the same run, in 10 ms chunks\n"
    "alternating with the worker's: the same frames decoded and re-encoded with codecs/\n"
    "directly, one warm codec pair per direction.\n"
    "\n"
    "  --legs N            legs for the relay rows (N/2 bridged pairs), default 10000, max 16000\n"
    "  --transcode-legs N  legs for the transcoding rows, default 1000 (codec state is ~10-40\n"
    "                      KiB per leg; the cost per packet is the codecs', not the leg count's)\n"
    "  --seconds S         measuring time per row, default 2 (after a warm-up pass)\n"
    "  --only a,b          only these scenarios\n"
    "\n"
    "Figures: ns and cycles per packet = worker-turn time (rte_rdtsc) per relayed packet, median\n"
    "over 10 ms chunks of worker time, each chunk scaled by the share of its wall time the thread\n"
    "had the CPU (other jobs preempt it on a shared machine; 'chunks kept' = chunks with >= 98%,\n"
    "unscaled in effect); Mpps = 1000 / ns per packet; codec-only = thread CPU time per packet;\n"
    "latency = from a burst's injection to its frames being\n"
    "taken off the port (one sample per burst: the interleaved wire makes that the worker's\n"
    "time for the burst), p50/p99; lost = injected - sent, after a final flush.\n"
    "\n"
    "--json: one line {\"bench\":\"dataplane\",\"backend\":\"dpdk\",\"tsc_hz\",\"seconds\",\n"
    "\"rows\":[{\"name\",\"legs\",\"packets\",\"chunks\",\"chunks_kept\",\"mpps\",\"ns_per_packet\",\"cycles_per_packet\",\n"
    "\"latency_p50_us\",\"latency_p99_us\",\"lost\",\"codec_only_ns_per_packet\",\n"
    "\"codec_ratio\"}...],\"relay_mpps\",\"relay_latency_p99_us\",\"g729_codec_ratio\",\n"
    "\"opus_codec_ratio\",\"recording_ns_added\",\"recording_ratio\",\"mix_rows\":[{\"name\",\"codecs\",\"chunks\",\n"
    "\"tick_us\",\"transcode_us\",\"ratio\"}...],\"mix_tick_us\",\"mix_transcode_ratio\"}. codec_ratio = codec-only ns per packet / worker ns per packet (1.0:\n"
    "the worker adds nothing to the codecs; 0 for relay rows). relay_* are relay_trust's.\n"
    "recording_ns_added = relay_recorded - relay_vclock ns per packet, recording_ratio their quotient.\n";

constexpr dataplane::MacAddress kOurMac = {0x02, 0xdc, 0x00, 0x00, 0x00, 0x01};
constexpr dataplane::MacAddress kPeerMac = {0x02, 0xdc, 0x00, 0x00, 0x00, 0x02};

struct Scenario {
  std::string name;
  CodecSpec a, b;  // leg A's codec (the caller side, G.711), leg B's
  dataplane::RxChecksum rx = dataplane::RxChecksum::Verify;
  bool tx_checksum = true;
  std::uint32_t legs = 0;
  bool transcoding = false;
  // The worker's clock: the TSC, or (virtual) 20 ms per round over every stream, so each stream
  // runs at its real-time rate on the recording's timeline however fast the bench injects.
  bool virtual_clock = false;
  bool record = false;  // every pair recorded (stereo WAV, 8 kHz) through a RecordingProducer
};

struct Row {
  std::string name;
  std::uint32_t legs = 0;
  std::uint64_t packets = 0;
  double mpps = 0, ns_per_packet = 0, cycles_per_packet = 0, p50_us = 0, p99_us = 0;
  std::uint64_t lost = 0;
  double codec_ns = 0;  // codec-only, transcoding rows
  std::size_t chunks = 0, kept_chunks = 0;  // 10 ms chunks measured, and not preempted
  std::uint64_t rec_pushed_chunks = 0, rec_late_frames = 0;  // relay_recorded: chunks filled
};

double thread_cpu_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

struct Clock {
  double ns_per_tick = 1e9 / static_cast<double>(rte_get_tsc_hz());
  std::uint64_t now_ns() const { return static_cast<std::uint64_t>(static_cast<double>(rte_rdtsc()) * ns_per_tick); }
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0.0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

NetAddress peer_address(std::uint8_t side, std::uint32_t pair) {
  return NetAddress::v4(10, side, static_cast<std::uint8_t>(pair >> 8), static_cast<std::uint8_t>(pair),
                        side == 1 ? 5000 : 6000);
}

// The same frames through codecs/ alone: A's payloads decoded and encoded in B's codec, B's in
// A's, alternately, as the worker sees them; one warm codec pair per direction. chunk() runs
// for 10 ms and returns the thread's CPU ns per packet.
class CodecOnly {
 public:
  CodecOnly(const Scenario& sc, const PayloadSet& pa, const PayloadSet& pb)
      : pa_(pa), pb_(pb), dec_a_(codecs::make_decoder(sc.a.format)), dec_b_(codecs::make_decoder(sc.b.format)),
        enc_a_(codecs::make_encoder(sc.a.format, {})), enc_b_(codecs::make_encoder(sc.b.format, {})) {
    if (!dec_a_ || !dec_b_ || !enc_a_ || !enc_b_) throw std::runtime_error("codec-only: cannot make codecs");
  }
  double chunk() {
    const std::uint64_t tsc_hz = rte_get_tsc_hz();
    const double cpu0 = thread_cpu_ns();
    const std::uint64_t t0 = rte_rdtsc();
    std::uint64_t packets = 0;
    while (rte_rdtsc() - t0 < tsc_hz / 100) {
      const auto da = dec_a_->decode(pa_.frames[k_ % pa_.frames.size()], pcm_);
      sink_ += enc_b_->encode(std::span(pcm_).first(da.count), payload_).count;
      const auto db = dec_b_->decode(pb_.frames[k_ % pb_.frames.size()], pcm_);
      sink_ += enc_a_->encode(std::span(pcm_).first(db.count), payload_).count;
      ++k_;
      packets += 2;
    }
    if (sink_ == 0) throw std::runtime_error("codec-only: nothing encoded");
    return (thread_cpu_ns() - cpu0) / static_cast<double>(packets);  // CPU time: preemption-proof
  }

 private:
  const PayloadSet& pa_;
  const PayloadSet& pb_;
  std::unique_ptr<codecs::Decoder> dec_a_, dec_b_;
  std::unique_ptr<codecs::Encoder> enc_a_, enc_b_;
  std::array<std::int16_t, 960> pcm_{};
  std::array<std::uint8_t, 1500> payload_{};
  std::size_t k_ = 0;
  std::uint64_t sink_ = 0;
};

// One scenario on a fresh port, backend and worker. With `codec_only`, a 10 ms codec-only
// chunk follows every 10 ms worker chunk, so both medians come from the same moments of a
// shared machine.
Row run_scenario(const Scenario& sc, const PayloadSet& pa, const PayloadSet& pb, double seconds,
                 CodecOnly* codec_only) {
  const Clock clock;
  RingPort wire;
  dataplane::DpdkIoConfig ioc;
  ioc.port_id = wire.port();
  ioc.addresses = {NetAddress::v4(10, 0, 0, 1, 0)};
  ioc.mac = kOurMac;
  ioc.next_hop_mac = kPeerMac;
  ioc.max_ports = sc.legs + 8;
  ioc.pool_mbufs = 8191;
  ioc.udp_checksum = sc.tx_checksum;
  ioc.rx_checksum = sc.rx;
  auto io = std::make_unique<dataplane::DpdkIo>(ioc);
  dataplane::WorkerConfig wc;
  // These rows push packets as fast as the worker takes them to measure the codec path; a
  // playout buffer would pace a transcoded leg to one frame per 20 ms of the worker's clock, so
  // they decode on arrival. The buffer's own cost is the transcode_jb row.
  wc.jitter_buffer = false;
  wc.max_legs = sc.legs + 8;
  wc.max_ports = sc.legs + 8;
  std::unique_ptr<dataplane::recording::RecordingService> recorder;
  if (sc.record) {
    dataplane::recording::RecordingConfig rc;
    rc.root = "/nonexistent-dialbench";  // never opened: no recorder thread runs
    rc.max_recordings_per_worker = sc.legs / 2 + 8;
    // The ring (start items, then audio) fills long before the pool empties: every later chunk
    // is filled, then dropped at the full ring and reused, so each packet pays the whole copy.
    rc.ring_items = sc.legs / 2 + 64;
    rc.chunks_per_worker = sc.legs * 4 + 64;
    recorder = std::make_unique<dataplane::recording::RecordingService>(rc, 1);
    wc.recorder = &recorder->producer(0);
  }
  auto driver = std::make_unique<WorkerDriver>(*io, wc, 64, 1024);

  Generator gen(kPeerMac, kOurMac);
  const NetAddress ours = NetAddress::v4(10, 0, 0, 1, 0);
  for (std::uint32_t pair = 0; pair < sc.legs / 2; ++pair) {
    const auto [leg_a, local_a] = driver->create_leg(ours, peer_address(1, pair), sc.a, clock.now_ns());
    const auto [leg_b, local_b] = driver->create_leg(ours, peer_address(2, pair), sc.b, clock.now_ns());
    driver->must(leg_a, dataplane::BridgeArgs{leg_b}, clock.now_ns(), "Bridge");
    gen.add(peer_address(1, pair), local_a, pa);
    gen.add(peer_address(2, pair), local_b, pb);
    if (sc.record) {
      dataplane::StartRecordingArgs start;
      start.call_id[0] = 'c';
      driver->must(leg_a, start, clock.now_ns(), "StartRecording");
    }
  }

  Row row;
  std::array<rte_mbuf*, dataplane::kMaxBurst> in{};
  std::array<rte_mbuf*, 4 * dataplane::kMaxBurst> out{};
  std::uint64_t injected = 0, taken = 0;
  const std::uint64_t clock0 = clock.now_ns();
  auto worker_now = [&]() {
    if (!sc.virtual_clock) return clock.now_ns();
    return clock0 + injected / std::max<std::uint64_t>(1, gen.streams()) * 20'000'000;
  };
  const std::uint64_t tsc_hz = rte_get_tsc_hz();
  std::vector<double> chunk_ns_pp, chunk_cycles_pp, latency_us;
  latency_us.reserve(1 << 20);
  std::uint64_t measured_packets = 0;
  auto burst = [&](bool measure, std::uint64_t& cycles, std::uint64_t& packets) {
    if (!gen.fill(io->pool(), in.data(), dataplane::kMaxBurst)) throw std::runtime_error("mbuf pool empty");
    const unsigned put = wire.inject(in.data(), dataplane::kMaxBurst);
    if (put < dataplane::kMaxBurst) rte_pktmbuf_free_bulk(in.data() + put, dataplane::kMaxBurst - put);
    injected += put;
    const std::uint64_t t_in = rte_rdtsc();
    const std::uint64_t now = worker_now();
    const std::uint64_t t0 = rte_rdtsc();
    driver->worker().poll(now);
    const std::uint64_t t1 = rte_rdtsc();
    unsigned n = 0, got = 0;
    while ((got = wire.take(out.data() + n, static_cast<unsigned>(out.size()) - n)) > 0) n += got;
    const std::uint64_t t2 = rte_rdtsc();
    rte_pktmbuf_free_bulk(out.data(), n);
    taken += n;
    cycles += t1 - t0;
    packets += n;
    if (measure && n > 0) latency_us.push_back(static_cast<double>(t2 - t_in) * 1e6 / static_cast<double>(tsc_hz));
    driver->drain_events(now);  // control's side, outside the timed part
  };
  // Warm-up: every stream sends at least once (first-packet events, neighbour learning, caches).
  {
    std::uint64_t c = 0, p = 0;
    while (injected < gen.streams() + 64 * dataplane::kMaxBurst) burst(false, c, p);
  }
  const std::uint64_t end_tsc = rte_rdtsc() + static_cast<std::uint64_t>(seconds * static_cast<double>(tsc_hz));
  std::vector<double> codec_ns;
  while (rte_rdtsc() < end_tsc) {
    std::uint64_t cycles = 0, packets = 0;
    const double cpu0 = thread_cpu_ns();
    const std::uint64_t wall0 = rte_rdtsc();
    while (cycles < tsc_hz / 100) burst(true, cycles, packets);  // a 10 ms chunk of worker time
    const double wall = static_cast<double>(rte_rdtsc() - wall0) * 1e9 / static_cast<double>(tsc_hz);
    const double cpu = thread_cpu_ns() - cpu0;
    if (packets == 0) continue;
    measured_packets += packets;
    ++row.chunks;
    // The TSC also counts time the thread was preempted (other jobs share the 2 cores): the
    // chunk's worker cycles are scaled by the share of the chunk the thread had the CPU.
    const double share = std::min(1.0, cpu / wall);
    if (share >= 0.98) ++row.kept_chunks;
    chunk_cycles_pp.push_back(static_cast<double>(cycles) * share / static_cast<double>(packets));
    if (codec_only != nullptr) codec_ns.push_back(codec_only->chunk());
  }
  if (codec_only != nullptr) row.codec_ns = median(codec_ns);
  for (const double c : chunk_cycles_pp) chunk_ns_pp.push_back(c * 1e9 / static_cast<double>(tsc_hz));
  for (int i = 0; i < 16; ++i) {  // flush what the worker still holds
    driver->worker().poll(worker_now());
    unsigned got = 0;
    while ((got = wire.take(out.data(), static_cast<unsigned>(out.size()))) > 0) {
      rte_pktmbuf_free_bulk(out.data(), got);
      taken += got;
    }
  }
  row.name = sc.name;
  row.legs = sc.legs;
  row.packets = measured_packets;
  row.ns_per_packet = median(chunk_ns_pp);
  row.cycles_per_packet = median(chunk_cycles_pp);
  row.mpps = row.ns_per_packet > 0 ? 1e3 / row.ns_per_packet : 0;
  row.p50_us = percentile(latency_us, 0.50);
  row.p99_us = percentile(latency_us, 0.99);
  row.lost = injected > taken ? injected - taken : 0;
  if (recorder) {
    const auto& ps = recorder->producer(0).stats();
    using dataplane::recording::ProducerCounter;
    row.rec_pushed_chunks = ps.read(ProducerCounter::ChunksSent) + ps.read(ProducerCounter::ChunksDroppedRingFull);
    row.rec_late_frames = ps.read(ProducerCounter::FramesLate) + ps.read(ProducerCounter::ChunksDroppedPoolEmpty);
  }
  driver.reset();
  io.reset();
  return row;
}

CodecSpec spec(CodecId id, std::uint8_t pt) { return WorkerDriver::spec(id, pt); }

}  // namespace

int run_dataplane_bench(int argc, char** argv) {
  Args args(argc, argv, 1);
  if (args.flag("--help") || args.flag("-h")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  const bool json = args.flag("--json");
  std::uint32_t legs = 10000, transcode_legs = 1000;
  double seconds = 2.0;
  std::string backend;
  std::string fixtures = DIALCORE_FIXTURE_DIR;
  std::string only;
  unsigned workers = 0;
  bool legs_given = false;
  try {
    if (auto v = args.value("--workers")) workers = static_cast<unsigned>(std::stoul(*v));
    if (auto v = args.value("--backend")) backend = *v;
    if (auto v = args.value("--legs")) {
      legs = static_cast<std::uint32_t>(std::stoul(*v));
      legs_given = true;
    }
    if (auto v = args.value("--transcode-legs")) transcode_legs = static_cast<std::uint32_t>(std::stoul(*v));
    if (auto v = args.value("--seconds")) seconds = std::stod(*v);
    if (auto v = args.value("--fixtures")) fixtures = *v;
    if (auto v = args.value("--only")) only = *v;
  } catch (const std::exception&) {
    std::fputs("dialbench dataplane: bad number\n", stderr);
    return 2;
  }
  if (!args.rest().empty()) {
    std::fprintf(stderr, "dialbench dataplane: unknown argument '%s'\n%s", args.rest()[0].c_str(), kHelp);
    return 2;
  }
  if (backend != "dpdk") {
    std::fprintf(stderr, "dialbench dataplane: --backend dpdk is required (the socket backend is "
                         "measured by `dialbench rtp`)\n");
    return 2;
  }
  if (legs < 2 || legs > 16000 || transcode_legs < 2 || transcode_legs > 16000 || seconds <= 0) {
    std::fputs("dialbench dataplane: --legs and --transcode-legs in 2..16000, --seconds > 0\n", stderr);
    return 2;
  }
  legs &= ~1u;
  transcode_legs &= ~1u;
  const WavResult wav = read_wav(fixtures + "/machine-greeting-8k.wav");
  if (!wav.ok() || wav.audio.sample_rate_hz != 8000) {
    std::fprintf(stderr, "dialbench dataplane: %s\n", wav.ok() ? "speech fixture is not 8 kHz" : wav.error.c_str());
    return 1;
  }
  if (const std::string why = bench_eal_init(512); !why.empty()) {
    std::fprintf(stderr, "dialbench dataplane: DPDK EAL: %s (needs root)\n", why.c_str());
    return 1;
  }

  if (workers > 0) {
    if (workers > 8) {
      std::fputs("dialbench dataplane: --workers in 1..8\n", stderr);
      bench_eal_cleanup();
      return 2;
    }
    RuntimeRelayOptions o;
    o.workers = workers;
    o.legs = std::max<unsigned>(2 * workers, legs_given ? legs : 400) & ~1u;
    o.seconds = seconds;
    o.json = json;
    const int rc = run_runtime_relay_bench(o, fixtures);
    bench_eal_cleanup();
    return rc;
  }

  const std::uint64_t tsc_hz = rte_get_tsc_hz();
  std::vector<Row> rows;
  std::vector<MixRow> mix_rows;
  std::optional<TranscodeJbRow> jb_row;
  try {
    const std::span<const std::int16_t> speech(wav.audio.samples);
    const PayloadSet pcmu = encode_payloads(spec(CodecId::Pcmu, 0), speech, 150);
    const PayloadSet g729 = encode_payloads(spec(CodecId::G729, 18), speech, 150);
    const PayloadSet opus = encode_payloads(spec(CodecId::Opus, 111), speech, 150);
    using dataplane::RxChecksum;
    const std::vector<Scenario> scenarios = {
        {"relay_verify", spec(CodecId::Pcmu, 0), spec(CodecId::Pcmu, 0), RxChecksum::Verify, true, legs, false},
        {"relay_trust", spec(CodecId::Pcmu, 0), spec(CodecId::Pcmu, 0), RxChecksum::Trust, true, legs, false},
        {"relay_trust_notxsum", spec(CodecId::Pcmu, 0), spec(CodecId::Pcmu, 0), RxChecksum::Trust, false, legs, false},
        {"g711_g729", spec(CodecId::Pcmu, 0), spec(CodecId::G729, 18), RxChecksum::Verify, true, transcode_legs, true},
        {"g711_opus", spec(CodecId::Pcmu, 0), spec(CodecId::Opus, 111), RxChecksum::Verify, true, transcode_legs, true},
        {"relay_vclock", spec(CodecId::Pcmu, 0), spec(CodecId::Pcmu, 0), RxChecksum::Trust, true, legs, false, true, false},
        {"relay_recorded", spec(CodecId::Pcmu, 0), spec(CodecId::Pcmu, 0), RxChecksum::Trust, true, legs, false, true, true},
    };
    for (const Scenario& sc : scenarios) {
      if (!only.empty() && ("," + only + ",").find("," + sc.name + ",") == std::string::npos) continue;
      const PayloadSet& pb = sc.b.format.id == CodecId::G729 ? g729 : sc.b.format.id == CodecId::Opus ? opus : pcmu;
      std::unique_ptr<CodecOnly> codec_only;
      if (sc.transcoding) codec_only = std::make_unique<CodecOnly>(sc, pcmu, pb);
      rows.push_back(run_scenario(sc, pcmu, pb, seconds, codec_only.get()));
    }
    mix_rows = run_mix_rows(speech, seconds, only);  // codec level: no port, no worker loop
    if (only.empty() || ("," + only + ",").find(",transcode_jb,") != std::string::npos) {
      jb_row = run_transcode_jb(transcode_legs, seconds, speech);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dialbench dataplane: %s\n", e.what());
    bench_eal_cleanup();
    return 1;
  }
  bench_eal_cleanup();

  Table table({"scenario", "legs", "packets", "chunks kept", "Mpps", "ns/pkt", "cycles/pkt", "lat p50 us", "lat p99 us",
               "lost", "codec-only ns/pkt", "codec ratio"});
  boost::json::array json_rows;
  double relay_mpps = 0, relay_p99 = 0, g729_ratio = 0, opus_ratio = 0, vclock_ns = 0, recorded_ns = 0;
  for (const Row& r : rows) {
    const double ratio = r.codec_ns > 0 ? r.codec_ns / r.ns_per_packet : 0.0;
    table.add({r.name, std::to_string(r.legs), std::to_string(r.packets),
               std::to_string(r.kept_chunks) + "/" + std::to_string(r.chunks), fixed(r.mpps, r.mpps < 0.1 ? 4 : 2),
               fixed(r.ns_per_packet, 1), fixed(r.cycles_per_packet, 0), fixed(r.p50_us, 1), fixed(r.p99_us, 1),
               std::to_string(r.lost), r.codec_ns > 0 ? fixed(r.codec_ns, 1) : "-",
               r.codec_ns > 0 ? fixed(ratio, 3) : "-"});
    json_rows.push_back(boost::json::object{
        {"name", r.name}, {"legs", r.legs}, {"packets", r.packets}, {"chunks", r.chunks},
        {"chunks_kept", r.kept_chunks}, {"mpps", r.mpps},
        {"ns_per_packet", r.ns_per_packet}, {"cycles_per_packet", r.cycles_per_packet},
        {"latency_p50_us", r.p50_us}, {"latency_p99_us", r.p99_us}, {"lost", r.lost},
        {"codec_only_ns_per_packet", r.codec_ns}, {"codec_ratio", ratio}});
    if (r.name == "relay_trust") relay_mpps = r.mpps, relay_p99 = r.p99_us;
    if (r.name == "g711_g729") g729_ratio = ratio;
    if (r.name == "g711_opus") opus_ratio = ratio;
    if (r.name == "relay_vclock") vclock_ns = r.ns_per_packet;
    if (r.name == "relay_recorded") {
      recorded_ns = r.ns_per_packet;
      std::printf("relay_recorded: %llu chunks filled and handed over (or dropped at the full ring), "
                  "%llu frames late or found no chunk (must be ~0: each packet copied)\n",
                  static_cast<unsigned long long>(r.rec_pushed_chunks), static_cast<unsigned long long>(r.rec_late_frames));
    }
  }
  const double rec_added = vclock_ns > 0 && recorded_ns > 0 ? recorded_ns - vclock_ns : 0.0;
  const double rec_ratio = vclock_ns > 0 && recorded_ns > 0 ? recorded_ns / vclock_ns : 0.0;
  std::printf("dialbench dataplane: backend dpdk (net_ring, one worker, bench on the same core between "
              "turns); %.1f s per row, medians of 10 ms chunks; TSC %.3f GHz\n\n%s",
              seconds, static_cast<double>(tsc_hz) / 1e9, table.render().c_str());
  Table mix_table({"mix row", "members", "chunks", "us/tick", "3 legs transcoded us/20 ms", "ratio"});
  boost::json::array mix_json;
  double mix_tick_us = 0, mix_ratio = 0;
  for (const MixRow& r : mix_rows) {
    mix_table.add({r.name, r.codecs, std::to_string(r.chunks), fixed(r.tick_us, 2), fixed(r.transcode_us, 2),
                   fixed(r.ratio, 3)});
    mix_json.push_back(boost::json::object{{"name", r.name}, {"codecs", r.codecs}, {"chunks", r.chunks},
                                           {"tick_us", r.tick_us}, {"transcode_us", r.transcode_us},
                                           {"ratio", r.ratio}});
    if (r.name == "mix_g711") mix_tick_us = r.tick_us, mix_ratio = r.ratio;
  }
  if (!mix_rows.empty()) {
    std::printf("\n3-party conference mix tick (thread CPU, medians of 200-tick chunks alternating with the "
                "same legs' plain transcoding)\n\n%s", mix_table.render().c_str());
  }
  if (jb_row) add_transcode_jb(*jb_row, json_rows);
  if (json) {
    print_json_line({{"bench", "dataplane"}, {"backend", "dpdk"}, {"tsc_hz", tsc_hz},
                     {"seconds", seconds}, {"rows", json_rows}, {"relay_mpps", relay_mpps},
                     {"relay_latency_p99_us", relay_p99}, {"g729_codec_ratio", g729_ratio},
                     {"opus_codec_ratio", opus_ratio}, {"recording_ns_added", rec_added},
                     {"recording_ratio", rec_ratio}, {"mix_rows", mix_json},
                     {"mix_tick_us", mix_tick_us}, {"mix_transcode_ratio", mix_ratio},
                     {"transcode_jb_ratio", jb_row ? jb_row->ratio : 0.0}});
  }
  return 0;
}

}  // namespace dialcore::bench
