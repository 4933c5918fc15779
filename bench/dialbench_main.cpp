// dialbench: the perf engineer's tool. One subcommand per area; each prints a table for people
// and, with --json, ends with one JSON line of figures.
#include <cstdio>
#include <cstring>

#include "bench/codecs/codec_bench.hpp"
#include "bench/dataplane/dataplane_bench.hpp"
#include "bench/dsp/amd_command.hpp"
#include "bench/dsp/dsp_bench.hpp"
#include "bench/dsp/dtmf_bench.hpp"
#include "bench/pacing/pacing_bench.hpp"
#include "bench/recording/recording_bench.hpp"
#include "bench/rtp/rtp_bench.hpp"
#include "bench/sip/sip_bench.hpp"

namespace {

constexpr const char* kHelp =
    "usage: dialbench COMMAND [options]   (dialbench COMMAND --help for each)\n"
    "\n"
    "commands:\n"
    "  amd       amd FILE...: answering-machine detection on WAV files, FILE<TAB>RESULT<TAB>ms\n"
    "            per file (HUMAN MACHINE NOTSURE FAX SIT SILENCE, decision time from answer)\n"
    "  codecs    encode/decode cost per codec frame, against the codec library called directly\n"
    "  dtmf      dtmf detect FILE...: in-band DTMF keys in WAV files, FILE<TAB>DIGITS per file;\n"
    "            dtmf mask IN OUT: PCI masking of the keys in IN, captured digits on stdout\n"
    "  dsp       cost per 20 ms frame of each DSP component (DTMF detector against spandsp,\n"
    "            AMD, generator, masker)\n"
    "  rtp       relay packets/s, loss, latency and CPU per packet: dialcore against rtpengine\n"
    "  dataplane the DPDK worker on net_ring: Mpps, cycles and latency per packet for relaying\n"
    "            and transcoding 10,000 legs, against the codecs alone (--backend dpdk)\n"
    "  recording N concurrent recordings on one recorder thread: CPU per stream, bytes/s, drops,\n"
    "            against a plain sequential writer of the same bytes\n"
    "  pacing    dialler strategies in a discrete-event simulation of a workload file: talk\n"
    "            minutes per agent-hour, abandon rates per ledger window\n"
    "  sip       sipp calls through the B2BUA (SIP, SDP, media legs): calls/s, concurrent calls,\n"
    "            0 failed, CPU per call on the control and SIP threads, against sipp UAC->UAS\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kHelp, stderr);
    return 2;
  }
  const char* cmd = argv[1];
  if (std::strcmp(cmd, "--help") == 0 || std::strcmp(cmd, "-h") == 0 || std::strcmp(cmd, "help") == 0) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (std::strcmp(cmd, "amd") == 0) return dialcore::bench::run_amd_command(argc - 1, argv + 1);
  if (std::strcmp(cmd, "codecs") == 0) return dialcore::bench::run_codec_bench(argc - 1, argv + 1);
  if (std::strcmp(cmd, "dtmf") == 0) return dialcore::bench::run_dtmf_command(argc - 1, argv + 1);
  if (std::strcmp(cmd, "dsp") == 0) return dialcore::bench::run_dsp_bench(argc - 1, argv + 1);
  if (std::strcmp(cmd, "pacing") == 0) return dialcore::bench::run_pacing_bench(argc - 1, argv + 1);
  if (std::strcmp(cmd, "rtp") == 0) return dialcore::bench::run_rtp_bench(argc - 1, argv + 1);
  if (std::strcmp(cmd, "dataplane") == 0) return dialcore::bench::run_dataplane_bench(argc - 1, argv + 1);
  if (std::strcmp(cmd, "recording") == 0) return dialcore::bench::run_recording_bench(argc - 1, argv + 1);
  if (std::strcmp(cmd, "sip") == 0) return dialcore::bench::run_sip_bench(argc - 1, argv + 1);
  std::fprintf(stderr, "dialbench: unknown command '%s'\n\n%s", cmd, kHelp);
  return 2;
}
