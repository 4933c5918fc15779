#include "tests/support/ortp_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "sim/common/wav_io.hpp"

namespace dialcore::test {

OrtpPeer::OrtpPeer(int pcmu_pt, int event_pt) : stream_("127.0.0.1") {
  format_.alaw = false;
  format_.audio_pt = static_cast<std::uint8_t>(pcmu_pt);
  format_.event_pt = event_pt;
}

dataplane::NetAddress OrtpPeer::address() const {
  return dataplane::NetAddress::v4(127, 0, 0, 1, stream_.port());
}

void OrtpPeer::set_remote(const dataplane::NetAddress& remote) {
  char ip[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, remote.bytes.data(), ip, sizeof(ip));
  format_.remote_ip = ip;
  format_.remote_port = remote.port;
  stream_.connect(format_);
}

void OrtpPeer::play(std::vector<std::int16_t> pcm) {
  play_ = std::move(pcm);
  play_pos_ = 0;
}

void OrtpPeer::key_inband(char key, std::uint32_t on_ms, std::uint32_t off_ms) {
  dataplane::dsp::DtmfTone tone;
  tone.digit = key;
  tone.on_ms = on_ms;
  tone.off_ms = off_ms;
  if (!generator_.enqueue(tone)) throw std::runtime_error("in-band key queue full");
}

void OrtpPeer::key_rfc4733(char key, std::uint32_t duration_ms, std::uint32_t gap_ms) {
  if (!stream_.key_rfc4733(key, duration_ms, gap_ms)) {
    throw std::runtime_error("RFC 4733 key refused: no telephone-event or not a key");
  }
}

void OrtpPeer::send_frame() {
  std::array<std::int16_t, kFrameSamples> pcm{};
  if (generator_.busy()) {
    generator_.generate(pcm);
  } else if (!play_.empty()) {
    for (auto& s : pcm) {
      s = play_[play_pos_];
      play_pos_ = (play_pos_ + 1) % play_.size();
    }
  }
  stream_.send_frame(pcm);
  ++frames_;
}

std::string multimon_dtmf(std::span<const std::int16_t> pcm, const std::string& wav_path) {
  if (std::system("command -v sox >/dev/null 2>&1 && command -v multimon-ng >/dev/null 2>&1") != 0) {
    return "?";
  }
  if (!sim::write_wav_8k(wav_path, pcm)) return "?";
  // As the corpus scorer runs it (tests/dataplane/dsp/dialbench_dtmf_mask.sh).
  const std::string cmd = "sox -D -V1 '" + wav_path +
                          "' -t raw -e signed-integer -b 16 -r 22050 -c 1 - | multimon-ng -q -t raw -a DTMF - "
                          "2>/dev/null | sed -n 's/^DTMF: *//p' | tr -d '\\n'";
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return "?";
  std::string out;
  std::array<char, 256> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), p) != nullptr) out += buf.data();
  ::pclose(p);
  return out;
}

}  // namespace dialcore::test
