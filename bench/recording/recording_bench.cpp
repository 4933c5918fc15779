#include "bench/recording/recording_bench.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <boost/json/array.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/recording/plain_writer.hpp"
#include "bench/support/args.hpp"
#include "bench/support/report.hpp"
#include "bench/support/stats.hpp"
#include "dataplane/recording/recording_service.hpp"

namespace dialcore::bench {
namespace {

namespace rec = dataplane::recording;
using Clock = std::chrono::steady_clock;

constexpr const char* kHelp =
    "usage: dialbench recording [--streams N] [--seconds S] [--unpaced] [--reps R]\n"
    "                           [--rate 8000|16000] [--format wav|mono|opus] [--dir DIR]\n"
    "                           [--core C] [--idle-us U] [--ramp R] [--verbose] [--json]\n"
    "\n"
    "N concurrent call recordings (customer and agent, 20 ms packets of G.711-rate PCM by\n"
    "default) fed by one producer thread (the worker) through RecordingProducer to ONE recorder\n"
    "thread (pinned to core C when given) that writes the files under a temporary folder in DIR\n"
    "(default /tmp). Paced (default): starts spread over the first R seconds (default 5), then\n"
    "packets at real time; each stream records S seconds. --unpaced: as fast as the recorder takes them (the feeder waits while the chunk pool\n"
    "is low, yielding). --idle-us: the recorder's sleep when it finds no work (default 1000\n"
    "paced; 0 unpaced: it yields, as on a dedicated core). Each repetition is followed, or preceded (alternating), by a plain sequential\n"
    "writer of the same number of bytes to one file in 64 KiB writes: the file system's bound.\n"
    "Defaults: --streams 1000 --seconds 10 --reps 1 (paced) or 3 (unpaced).\n"
    "\n"
    "--verbose: per repetition, the time from the first packet to the last file closed and the\n"
    "CPU the feeding thread and the recorder thread used in it, then the final sync's time.\n"
    "Figures (medians over repetitions): recorder CPU in % of one core and in us per stream\n"
    "per second of audio, bytes written per second (first packet to last file closed), the\n"
    "plain writer's bytes per second and the ratio, dropped chunks (ring full + pool empty,\n"
    "summed), late frames, recordings completed.\n"
    "--json ends with one line: {\"bench\":\"recording\",\"streams\",\"seconds\",\"mode\",\"rate_hz\",\n"
    "\"format\",\"reps\",\"recordings_completed\",\"chunks_sent\",\"dropped_chunks\",\"frames_late\",\n"
    "\"recorder_cpu_pct\",\"recorder_cpu_us_per_stream_s\",\"bytes_written\",\"bytes_per_s\",\n"
    "\"plain_writer_bytes_per_s\",\"ratio_to_plain\",\"recorder_bytes_per_cpu_s\",\n"
    "\"plain_writer_bytes_per_cpu_s\",\"unpaced_opens_per_s\"}. Unpaced, all N files are opened\n"
    "first and timed apart (unpaced_opens_per_s: file creation, the file system's cost). Both writers are timed until their bytes are on the disk\n"
    "(syncfs / fdatasync). Exit status 1 when a recording did not complete.\n";

struct Options {
  std::size_t streams = 1000;
  double seconds = 10.0;
  bool unpaced = false;
  int reps = 0;  // 0: the mode's default
  std::uint32_t rate = 8000;
  rec::RecordingFormat format = rec::RecordingFormat::StereoWav;
  std::string dir = "/tmp";
  int core = -1;
  int idle_us = -1;  // -1: the mode's default (1000 paced, 0 unpaced)
  double ramp_s = 5.0;
  bool verbose = false;  // one line per repetition: the phases and each thread's CPU
};

struct Run {
  double wall_s = 0, cpu_s = 0, plain_s = 0, plain_cpu_s = 0, open_s = 0;
  std::uint64_t bytes = 0, sent = 0, dropped = 0, late = 0, completed = 0;
  std::string error;
};

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::vector<std::int16_t> test_signal(std::size_t n) {
  std::vector<std::int16_t> v(n);
  std::uint32_t x = 12345;
  for (auto& s : v) {
    x = x * 1664525u + 1013904223u;
    s = static_cast<std::int16_t>(static_cast<std::int32_t>(x >> 16) / 4);
  }
  return v;
}

Run run_once(const Options& opt, const std::string& root) {
  rec::RecordingConfig c;
  c.root = root;
  if (opt.core >= 0) c.cores = {opt.core};
  c.threads = 1;
  // ~2.5 s of audio in flight at 8 kHz: the recorder may stall that long opening files on a busy
  // file system (see unpaced_opens_per_s) without the worker dropping.
  c.chunks_per_worker = static_cast<std::uint32_t>(std::max<std::size_t>(16384, opt.streams * 64));
  c.ring_items = c.chunks_per_worker;
  c.max_recordings_per_worker = static_cast<std::uint32_t>(opt.streams);
  c.idle_sleep_us = opt.idle_us;
  Run run;
  rec::RecordingService service(c, 1);
  if (!service.start()) {
    run.error = "cannot start the recorder thread (core " + std::to_string(opt.core) + ")";
    return run;
  }
  rec::RecordingProducer& p = service.producer(0);
  const std::size_t packet = opt.rate / 50;
  const std::vector<std::int16_t> signal = test_signal(opt.rate);  // 1 s, reused
  const auto ticks = static_cast<std::size_t>(opt.seconds * 50);
  const std::size_t n = opt.streams;
  std::vector<rec::RecordingId> ids(n);
  // Paced: starts spread over the ramp (--ramp, default 5 s: 200 calls/s at 1,000 streams), as
  // calls arrive. Unpaced: all files are opened
  // first and timed apart (open_s), so the throughput figure is the audio's, not the file
  // system's inode allocation (~1 ms per file on a busy ext4 here; see README.md).
  const auto ramp_ticks = static_cast<std::size_t>(opt.ramp_s * 50);
  auto start_tick = [&](std::size_t i) { return opt.unpaced ? 0 : i * ramp_ticks / n; };
  rec::RecordingStart start;
  rec::copy_text(start.campaign, "bench");
  rec::copy_text(start.agent, "bench-agent");
  start.codec = opt.rate == 16000 ? codecs::CodecId::L16 : codecs::CodecId::Pcmu;
  start.format = opt.format;
  start.sample_rate_hz = opt.rate;
  start.start_unix_ms = 1'780'000'000'000ull;

  const rec::RecorderStats& stats = service.recorder(0).stats();
  auto opened = [&] {
    return stats.read(rec::RecorderCounter::Started) + stats.read(rec::RecorderCounter::OpenFailed);
  };
  if (opt.unpaced) {
    const auto open0 = Clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      rec::copy_text(start.call_id, "bench-" + std::to_string(i));
      if (p.start(start, 0, ids[i]) != rec::ProducerStatus::Ok) run.error = "start refused";
    }
    while (opened() < n && Clock::now() < open0 + std::chrono::seconds(120)) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      p.poll();
    }
    run.open_s = std::chrono::duration<double>(Clock::now() - open0).count();
  }
  const std::uint64_t cpu0 = service.recorder_cpu_ns();
  const auto t0 = Clock::now();
  const double feeder_cpu0 = thread_cpu_s();
  const std::size_t low_water = 2 * n + 256;
  for (std::size_t k = 0; k < ticks + ramp_ticks + 1; ++k) {
    if (!opt.unpaced) std::this_thread::sleep_until(t0 + std::chrono::milliseconds(20 * k));
    const std::uint64_t now = std::uint64_t{k} * 20'000'000 + 20'000'000;  // end of this packet
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t s0 = start_tick(i);
      if (k == s0 && !opt.unpaced) {
        rec::copy_text(start.call_id, "bench-" + std::to_string(i));
        if (p.start(start, now - 20'000'000, ids[i]) != rec::ProducerStatus::Ok) run.error = "start refused";
      }
      if (k >= s0 && k < s0 + ticks) {
        const std::size_t at = ((k - s0) * packet + i * 37) % (signal.size() - packet);
        p.push(ids[i], rec::Channel::Customer, std::span(signal).subspan(at, packet), now);
        p.push(ids[i], rec::Channel::Agent, std::span(signal).subspan(signal.size() - packet - at, packet), now);
      } else if (k == s0 + ticks) {
        if (p.stop(ids[i], now) != rec::ProducerStatus::Ok) run.error = "stop refused";
      }
    }
    p.poll();
    while (opt.unpaced && p.free_chunks() < low_water) {
      std::this_thread::yield();
      p.poll();
    }
  }
  auto ended = [&] {
    return stats.read(rec::RecorderCounter::Completed) + stats.read(rec::RecorderCounter::DiskFull) +
           stats.read(rec::RecorderCounter::WriteErrors) + stats.read(rec::RecorderCounter::OpenFailed);
  };
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  while (ended() < n && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    p.poll();
  }
  const auto t_ended = Clock::now();
  const double feeder_cpu1 = thread_cpu_s();
  const double rec_cpu1 = static_cast<double>(service.recorder_cpu_ns() - cpu0) / 1e9;
  // Until the bytes are on the disk, like the plain writer's fdatasync.
  if (const int dfd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::syncfs(dfd);
    ::close(dfd);
  }
  run.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (opt.verbose) {
    std::printf("rep: first packet to last close %.3f s (feeder CPU %.3f s, recorder CPU %.3f s), sync %.3f s\n",
                std::chrono::duration<double>(t_ended - t0).count(), feeder_cpu1 - feeder_cpu0, rec_cpu1,
                std::chrono::duration<double>(Clock::now() - t_ended).count());
  }
  run.cpu_s = static_cast<double>(service.recorder_cpu_ns() - cpu0) / 1e9;
  run.completed = stats.read(rec::RecorderCounter::Completed);
  run.bytes = stats.read(rec::RecorderCounter::BytesWritten);
  const rec::ProducerStats& ps = p.stats();
  run.sent = ps.read(rec::ProducerCounter::ChunksSent);
  run.dropped = ps.read(rec::ProducerCounter::ChunksDroppedRingFull) +
                ps.read(rec::ProducerCounter::ChunksDroppedPoolEmpty);
  run.late = ps.read(rec::ProducerCounter::FramesLate);
  service.stop();
  if (run.completed < n && run.error.empty()) run.error = "recordings did not complete";
  return run;
}

std::optional<Options> parse(Args& args) {
  Options opt;
  try {
    if (auto v = args.value("--streams")) opt.streams = std::stoul(*v);
    if (auto v = args.value("--seconds")) opt.seconds = std::stod(*v);
    if (auto v = args.value("--reps")) opt.reps = std::stoi(*v);
    if (auto v = args.value("--rate")) opt.rate = static_cast<std::uint32_t>(std::stoul(*v));
    if (auto v = args.value("--dir")) opt.dir = *v;
    if (auto v = args.value("--core")) opt.core = std::stoi(*v);
    if (auto v = args.value("--idle-us")) opt.idle_us = std::stoi(*v);
    if (auto v = args.value("--ramp")) opt.ramp_s = std::stod(*v);
    if (auto v = args.value("--format")) {
      if (*v == "wav") opt.format = rec::RecordingFormat::StereoWav;
      else if (*v == "mono") opt.format = rec::RecordingFormat::MonoWav;
      else if (*v == "opus") opt.format = rec::RecordingFormat::OggOpus;
      else return std::nullopt;
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  opt.unpaced = args.flag("--unpaced");
  opt.verbose = args.flag("--verbose");
  if (opt.reps == 0) opt.reps = opt.unpaced ? 3 : 1;
  if (opt.idle_us < 0) opt.idle_us = opt.unpaced ? 0 : 1000;
  if (opt.streams == 0 || opt.streams > 20000 || opt.seconds < 0.1 || opt.seconds > 600 ||
      opt.reps < 1 || opt.reps > 50 || opt.ramp_s < 0.02 || opt.ramp_s > 600 ||
      (opt.rate != 8000 && opt.rate != 16000)) {
    return std::nullopt;
  }
  return opt;
}

void raise_fd_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

}  // namespace

int run_recording_bench(int argc, char** argv) {
  Args args(argc, argv, 1);
  if (args.flag("--help") || args.flag("-h")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  const bool json = args.flag("--json");
  const auto parsed = parse(args);
  if (!parsed || !args.rest().empty()) {
    std::fprintf(stderr, "dialbench recording: bad arguments\n%s", kHelp);
    return 2;
  }
  const Options& opt = *parsed;
  raise_fd_limit();
  std::string root = opt.dir + "/dialbench-recording-XXXXXX";
  if (mkdtemp(root.data()) == nullptr) {
    std::fprintf(stderr, "dialbench recording: cannot create a folder in %s\n", opt.dir.c_str());
    return 2;
  }

  std::vector<Run> runs;
  for (int rep = 0; rep < opt.reps; ++rep) {
    // Alternate which goes first, so page-cache writeback of one does not always hit the other.
    PlainWrite plain;
    const std::uint64_t expected = static_cast<std::uint64_t>(opt.streams) *
                                   static_cast<std::uint64_t>(opt.seconds * opt.rate) * 4;
    if (rep % 2 == 1) plain = plain_write(root, expected);
    const std::string files = root + "/rep" + std::to_string(rep);
    Run r = run_once(opt, files);
    std::error_code ec;
    std::filesystem::remove_all(files, ec);
    if (rep % 2 == 0) plain = plain_write(root, r.bytes);
    r.plain_s = plain.seconds;
    r.plain_cpu_s = plain.cpu_seconds;
    runs.push_back(r);
    if (!r.error.empty()) break;
  }
  std::error_code ec;
  std::filesystem::remove_all(root, ec);

  std::vector<double> cpu_pct, us_per_stream_s, bps, plain_bps, ratio, cpu_bps, plain_cpu_bps, opens;
  std::uint64_t dropped = 0, late = 0, sent = 0, completed = 0, bytes = 0;
  std::string error;
  for (const Run& r : runs) {
    cpu_pct.push_back(100.0 * r.cpu_s / r.wall_s);
    us_per_stream_s.push_back(r.cpu_s * 1e6 / (static_cast<double>(opt.streams) * opt.seconds));
    bps.push_back(static_cast<double>(r.bytes) / r.wall_s);
    plain_bps.push_back(r.plain_s > 0 ? static_cast<double>(r.bytes) / r.plain_s : 0.0);
    ratio.push_back(plain_bps.back() > 0 ? bps.back() / plain_bps.back() : 0.0);
    opens.push_back(r.open_s > 0 ? static_cast<double>(opt.streams) / r.open_s : 0.0);
    cpu_bps.push_back(r.cpu_s > 0 ? static_cast<double>(r.bytes) / r.cpu_s : 0.0);
    plain_cpu_bps.push_back(r.plain_cpu_s > 0 ? static_cast<double>(r.bytes) / r.plain_cpu_s : 0.0);
    dropped += r.dropped;
    late += r.late;
    sent += r.sent;
    completed = r.completed;
    bytes = r.bytes;
    if (!r.error.empty()) error = r.error;
  }
  const char* mode = opt.unpaced ? "unpaced" : "paced";
  const std::string format(rec::to_string(opt.format));
  Table table({"mode", "streams", "s", "format", "rec cpu %", "us/stream/s", "MB/s", "plain MB/s",
               "ratio", "dropped", "late frames", "completed"});
  table.add({mode, std::to_string(opt.streams), fixed(opt.seconds, 1), format, fixed(median(cpu_pct), 1),
             fixed(median(us_per_stream_s), 2), fixed(median(bps) / 1e6, 1),
             fixed(median(plain_bps) / 1e6, 1), fixed(median(ratio), 2), std::to_string(dropped),
             std::to_string(late), std::to_string(completed) + "/" + std::to_string(opt.streams)});
  std::fputs(table.render().c_str(), stdout);
  if (!error.empty()) std::printf("error: %s\n", error.c_str());
  if (json) {
    boost::json::object o{{"bench", "recording"},
                          {"streams", opt.streams},
                          {"seconds", opt.seconds},
                          {"mode", mode},
                          {"rate_hz", opt.rate},
                          {"format", format},
                          {"reps", runs.size()},
                          {"recordings_completed", completed},
                          {"chunks_sent", sent},
                          {"dropped_chunks", dropped},
                          {"frames_late", late},
                          {"recorder_cpu_pct", median(cpu_pct)},
                          {"recorder_cpu_us_per_stream_s", median(us_per_stream_s)},
                          {"bytes_written", bytes},
                          {"bytes_per_s", median(bps)},
                          {"plain_writer_bytes_per_s", median(plain_bps)},
                          {"ratio_to_plain", median(ratio)},
                          {"recorder_bytes_per_cpu_s", median(cpu_bps)},
                          {"plain_writer_bytes_per_cpu_s", median(plain_cpu_bps)},
                          {"unpaced_opens_per_s", median(opens)}};
    if (!error.empty()) o["error"] = error;
    print_json_line(o);
  }
  return error.empty() ? 0 : 1;
}

}  // namespace dialcore::bench
