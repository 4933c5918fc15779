#include "bench/codecs/codec_bench.hpp"

#include <boost/json/array.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "bench/codecs/direct_codecs.hpp"
#include "bench/support/args.hpp"
#include "bench/support/report.hpp"
#include "bench/support/stats.hpp"
#include "bench/support/wav_file.hpp"
#include "codecs/codec.hpp"
#include "codecs/names/codec_registry.hpp"

namespace dialcore::bench {
namespace {

using codecs::CodecFormat;
using codecs::CodecId;

constexpr std::uint32_t kPacketMs = 20;  // what a worker hands the codec per RTP packet

struct Case {
  std::string name;
  CodecFormat format;
};

struct Figures {
  double enc_us = 0, enc_direct_us = 0, dec_us = 0, dec_direct_us = 0, kbps = 0;
  double enc_overhead_pct() const { return (enc_us / enc_direct_us - 1.0) * 100.0; }
  double dec_overhead_pct() const { return (dec_us / dec_direct_us - 1.0) * 100.0; }
};

struct Options {
  int reps = 9;
  int opus_complexity = 5;
  bool opus_fec = true;  // our default offer; --opus-fec 0 measures plain Opus
  double min_run_ms = 5.0;  // each timed run repeats the input until it lasts this long
  std::string fixtures = DIALCORE_FIXTURE_DIR;
};

template <typename Direct, typename... DirectArgs>
Figures measure(const Case& c, const std::vector<std::int16_t>& audio, const Options& opt,
                DirectArgs... direct_args) {
  const std::size_t packet = c.format.sample_rate_hz / 1000 * kPacketMs;
  const std::size_t packets = audio.size() / packet;
  const std::size_t frames_per_packet = kPacketMs / c.format.frame_ms;
  std::vector<std::uint8_t> wire(packets * 4000);
  std::vector<std::size_t> sizes(packets);
  std::vector<std::int16_t> pcm(packet);

  codecs::EncoderOptions eo;
  eo.opus_complexity = opt.opus_complexity;
  auto enc = codecs::make_encoder(c.format, eo);
  auto dec = codecs::make_decoder(c.format);
  Direct direct(c.format, direct_args...);

  auto pcm_of = [&](std::size_t p) {
    return std::span<const std::int16_t>(audio.data() + p * packet, packet);
  };
  auto wire_of = [&](std::size_t p) { return std::span<std::uint8_t>(wire.data() + p * 4000, 4000); };
  auto payload_of = [&](std::size_t p) {
    return std::span<const std::uint8_t>(wire.data() + p * 4000, sizes[p]);
  };

  // One pass of the whole input through each path.
  auto wrap_enc = [&] { for (std::size_t p = 0; p < packets; ++p) sizes[p] = enc->encode(pcm_of(p), wire_of(p)).count; };
  auto dir_enc = [&] { for (std::size_t p = 0; p < packets; ++p) sizes[p] = direct.encode(pcm_of(p), wire_of(p)); };
  auto wrap_dec = [&] { for (std::size_t p = 0; p < packets; ++p) dec->decode(payload_of(p), pcm); };
  auto dir_dec = [&] { for (std::size_t p = 0; p < packets; ++p) direct.decode(payload_of(p), pcm); };

  wrap_enc();  // also fills the payloads the decoders read
  std::size_t bytes = 0;
  for (auto s : sizes) bytes += s;
  const int inner = std::max(1, static_cast<int>(opt.min_run_ms * 1000.0 / std::max(1.0, time_us(wrap_enc))));
  auto repeated = [inner](const std::function<void()>& fn) {
    return [inner, &fn] { for (int i = 0; i < inner; ++i) fn(); };
  };
  const auto frames = static_cast<double>(packets * frames_per_packet) * inner;

  std::vector<double> we, de, wd, dd;
  for (int r = 0; r < opt.reps; ++r) {
    // Alternate the order every repetition so drift (clock, thermal) hits both paths alike.
    if (r % 2 == 0) {
      we.push_back(time_us(repeated(wrap_enc)) / frames);
      de.push_back(time_us(repeated(dir_enc)) / frames);
    } else {
      de.push_back(time_us(repeated(dir_enc)) / frames);
      we.push_back(time_us(repeated(wrap_enc)) / frames);
    }
    if (r % 2 == 0) {
      wd.push_back(time_us(repeated(wrap_dec)) / frames);
      dd.push_back(time_us(repeated(dir_dec)) / frames);
    } else {
      dd.push_back(time_us(repeated(dir_dec)) / frames);
      wd.push_back(time_us(repeated(wrap_dec)) / frames);
    }
  }
  Figures f;
  f.enc_us = median(we);
  f.enc_direct_us = median(de);
  f.dec_us = median(wd);
  f.dec_direct_us = median(dd);
  f.kbps = static_cast<double>(bytes) * 8.0 / (static_cast<double>(packets) * kPacketMs);
  return f;
}

std::vector<Case> all_cases(const Options& opt) {
  using codecs::default_format;
  std::vector<Case> cases{
      {"pcmu", default_format(CodecId::Pcmu)},
      {"pcma", default_format(CodecId::Pcma)},
      {"l16-8k", default_format(CodecId::L16, 8000)},
      {"l16-16k", default_format(CodecId::L16, 16000)},
      {"g729", default_format(CodecId::G729)},
      {"opus-nb", default_format(CodecId::Opus, 8000)},
      {"opus-wb", default_format(CodecId::Opus, 16000)},
      {"opus-fb", default_format(CodecId::Opus, 48000)},
  };
  for (Case& c : cases) {
    if (c.format.id == CodecId::Opus) c.format.inband_fec = opt.opus_fec;
  }
  return cases;
}

constexpr const char* kHelp =
    "usage: dialbench codecs [--reps N] [--only NAME[,NAME]] [--opus-complexity C] [--opus-fec 0|1]\n"
    "                        [--fixtures DIR] [--quick] [--json]\n"
    "\n"
    "Per codec: encode and decode microseconds per codec frame (median of N repetitions over a\n"
    "speech fixture, 20 ms packets as a worker hands them), the same for the codec library\n"
    "called directly in the same run, the wrapper's overhead as a percentage, and real-time\n"
    "streams per core (one stream = encode + decode of the frame).\n"
    "Codecs: pcmu pcma l16-8k l16-16k g729 opus-nb opus-wb opus-fb. Opus runs with in-band FEC\n"
    "as we offer it (NB then defaults to 24 kbit/s); --opus-fec 0 measures plain Opus.\n"
    "--json ends the output with one JSON line: {\"bench\":\"codecs\",\"reps\",\"opus_complexity\",\n"
    "\"opus_fec\",\"codecs\":[{\"name\",\n"
    "\"frame_ms\",\"encode_us\",\"encode_direct_us\",\"encode_overhead_pct\",\"decode_us\",\n"
    "\"decode_direct_us\",\"decode_overhead_pct\",\"streams_per_core\",\"kbps\"}...],\n"
    "\"max_overhead_pct\"}.\n";

}  // namespace

int run_codec_bench(int argc, char** argv) {
  Args args(argc, argv, 1);
  if (args.help(kHelp)) return 0;
  Options opt;
  const bool json = args.flag("--json");
  if (args.flag("--quick")) opt.reps = 3, opt.min_run_ms = 1.0;
  std::string only;
  try {
    if (auto v = args.value("--reps")) opt.reps = std::max(1, std::stoi(*v));
    if (auto v = args.value("--opus-complexity")) opt.opus_complexity = std::stoi(*v);
    if (auto v = args.value("--only")) only = "," + *v + ",";
    if (auto v = args.value("--opus-fec")) opt.opus_fec = std::stoi(*v) != 0;
    if (auto v = args.value("--fixtures")) opt.fixtures = *v;
  } catch (const std::exception&) {
    std::fputs("dialbench codecs: bad number\n", stderr);
    return 2;
  }
  if (!args.rest().empty()) {
    std::fprintf(stderr, "dialbench codecs: unknown argument '%s'\n%s", args.rest()[0].c_str(), kHelp);
    return 2;
  }

  Table table({"codec", "frame ms", "enc us", "enc lib us", "enc ovh %", "dec us", "dec lib us",
               "dec ovh %", "streams/core", "kbps"});
  boost::json::array rows;
  double max_overhead = -1e9;
  for (const Case& c : all_cases(opt)) {
    if (!only.empty() && only.find("," + c.name + ",") == std::string::npos) continue;
    const std::string path =
        opt.fixtures + "/machine-greeting-" + std::to_string(c.format.sample_rate_hz / 1000) + "k.wav";
    const WavResult wav = read_wav(path);
    if (!wav.ok() || wav.audio.sample_rate_hz != c.format.sample_rate_hz) {
      std::fprintf(stderr, "dialbench codecs: %s\n",
                   wav.ok() ? (path + ": wrong sample rate").c_str() : wav.error.c_str());
      return 1;
    }
    Figures f;
    switch (c.format.id) {
      case CodecId::Pcmu:
      case CodecId::Pcma: f = measure<DirectG711>(c, wav.audio.samples, opt); break;
      case CodecId::L16: f = measure<DirectL16>(c, wav.audio.samples, opt); break;
      case CodecId::G729: f = measure<DirectG729>(c, wav.audio.samples, opt); break;
      default: f = measure<DirectOpus>(c, wav.audio.samples, opt, opt.opus_complexity); break;
    }
    const double streams = c.format.frame_ms * 1000.0 / (f.enc_us + f.dec_us);
    max_overhead = std::max({max_overhead, f.enc_overhead_pct(), f.dec_overhead_pct()});
    table.add({c.name, std::to_string(c.format.frame_ms), fixed(f.enc_us, 3), fixed(f.enc_direct_us, 3),
               fixed(f.enc_overhead_pct(), 1), fixed(f.dec_us, 3), fixed(f.dec_direct_us, 3),
               fixed(f.dec_overhead_pct(), 1), fixed(streams, 0), fixed(f.kbps, 1)});
    rows.push_back(boost::json::object{
        {"name", c.name}, {"frame_ms", c.format.frame_ms}, {"encode_us", f.enc_us},
        {"encode_direct_us", f.enc_direct_us}, {"encode_overhead_pct", f.enc_overhead_pct()},
        {"decode_us", f.dec_us}, {"decode_direct_us", f.dec_direct_us},
        {"decode_overhead_pct", f.dec_overhead_pct()}, {"streams_per_core", streams},
        {"kbps", f.kbps}});
  }
  char heading[160];
  std::snprintf(heading, sizeof heading,
                "dialbench codecs: %d repetitions, medians; us per codec frame; opus complexity %d, fec %s",
                opt.reps, opt.opus_complexity, opt.opus_fec ? "on" : "off");
  print_report(heading, table, json,
               {{"bench", "codecs"}, {"reps", opt.reps}, {"opus_complexity", opt.opus_complexity},
                {"opus_fec", opt.opus_fec}, {"codecs", rows}, {"max_overhead_pct", max_overhead}});
  return 0;
}

}  // namespace dialcore::bench
