#include "sim/carrier/options.hpp"

#include <string_view>

#include "sim/common/cli_values.hpp"

namespace dialcore::sim::carrier {

std::string usage() {
  return "usage: dialcore-carrier-sim --workload FILE [options]\n"
         "  --listen HOST:PORT   SIP (UDP) address; port 0: the kernel picks (default 127.0.0.1:0)\n"
         "                       the first stdout line is `listen HOST:PORT` with the bound port\n"
         "  --media-ip HOST      RTP address (default: the listen host)\n"
         "  --seed N             draws are reproducible per seed and INVITE order (default 1)\n"
         "  --corpus DIR         AMD corpus folder with labels.csv (default tests/fixtures/amd)\n"
         "  --max-calls N        handle N INVITEs (more get 503), end when they are over\n"
         "  --duration S         end after S seconds (calls up get BYE)\n"
         "  --time-scale X       multiply every drawn time by X (0.1: ten times faster)\n"
         "  --codecs LIST        answer preference (default PCMU,PCMA,telephone-event)\n"
         "  --pay                every live answer keys the card (else carrier.pay_probability)\n"
         "  --capture-dir DIR    write what each answered call heard as DIR/call-N.wav\n"
         "  --max-ring-s S       a call ringing this long gets 480 (default 300)\n"
         "  --json               end with one JSON line of the summary\n"
         "  --verbose            one line per call on stderr\n";
}

std::string default_corpus() { return DIALCORE_DEFAULT_CORPUS; }

std::optional<Options> parse_options(int argc, char** argv, std::string& message, bool& help) {
  Options o;
  auto flag = [&](const std::string& arg) {
    if (arg == "--json") { o.json = true; return true; }
    if (arg == "--pay") { o.pay_all = true; return true; }
    if (arg == "--verbose") { o.verbose = true; return true; }
    return false;
  };
  auto option = [&](const std::string& arg, const std::string& v) -> std::string {
    if (arg == "--workload") {
      o.workload = v;
    } else if (arg == "--listen") {
      const auto hp = parse_host_port(v);
      if (!hp) return "HOST:PORT expected";
      o.listen_host = hp->host;
      o.listen_port = hp->port;
    } else if (arg == "--media-ip") {
      o.media_host = v;
    } else if (arg == "--codecs") {
      o.codecs = split_list(v);
    } else if (arg == "--seed") {
      if (!parse_num(v, o.seed)) return "an unsigned integer expected";
    } else if (arg == "--corpus") {
      o.corpus = v;
    } else if (arg == "--max-calls") {
      if (!parse_num(v, o.max_calls)) return "an unsigned integer expected";
    } else if (arg == "--duration") {
      if (!parse_double(v, o.duration_s) || o.duration_s < 0) return "seconds expected";
    } else if (arg == "--time-scale") {
      if (!parse_double(v, o.time_scale) || !(o.time_scale > 0)) return "a positive number expected";
    } else if (arg == "--capture-dir") {
      o.capture_dir = v;
    } else if (arg == "--max-ring-s") {
      if (!parse_num(v, o.max_ring_s) || o.max_ring_s == 0) return "seconds expected";
    } else {
      return "unknown option";
    }
    return "";
  };
  if (!walk_args(argc, argv, usage(), message, help, flag, option)) return std::nullopt;
  if (o.workload.empty()) {
    message = "--workload is required\n" + usage();
    return std::nullopt;
  }
  if (o.media_host.empty()) o.media_host = o.listen_host;
  return o;
}

}  // namespace dialcore::sim::carrier
