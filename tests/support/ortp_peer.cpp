#include "tests/support/ortp_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <ortp/ortp.h>
#include <ortp/telephonyevents.h>

#include "codecs/g711.hpp"

namespace dialcore::test {
namespace {

void ortp_once() {
  static const bool done = [] {
    ortp_init();
    // Fatal only: without a jitter buffer oRTP still reports it "unconverged" as an error.
    ortp_set_log_level_mask(ORTP_LOG_DOMAIN, ORTP_FATAL);
    ortp_set_log_level_mask(nullptr, ORTP_FATAL);
    return true;
  }();
  (void)done;
}

}  // namespace

OrtpPeer::OrtpPeer(int pcmu_pt, int event_pt) : event_pt_(event_pt) {
  ortp_once();
  session_ = rtp_session_new(RTP_SESSION_SENDRECV);
  profile_ = rtp_profile_new("dialcore-test");
  rtp_profile_set_payload(profile_, pcmu_pt, &payload_type_pcmu8000);
  rtp_profile_set_payload(profile_, event_pt, &payload_type_telephone_event);
  rtp_session_set_profile(session_, profile_);
  rtp_session_set_payload_type(session_, pcmu_pt);
  rtp_session_set_blocking_mode(session_, FALSE);
  rtp_session_enable_jitter_buffer(session_, FALSE);
  rtp_session_enable_rtcp(session_, FALSE);
  // Port 0: the kernel chooses (oRTP 5 binds port 0 as asked; -1 would be oRTP's random pick).
  if (rtp_session_set_local_addr(session_, "127.0.0.1", 0, 0) != 0) {
    throw std::runtime_error("oRTP could not bind 127.0.0.1:0");
  }
  port_ = static_cast<std::uint16_t>(rtp_session_get_local_port(session_));
  rtp_session_signal_connect(session_, "telephone-event_packet",
                             reinterpret_cast<RtpCallback>(&OrtpPeer::on_event_packet), this);
  ts_ = 8000;
}

OrtpPeer::~OrtpPeer() {
  rtp_session_destroy(session_);
  rtp_profile_destroy(profile_);
}

dataplane::NetAddress OrtpPeer::address() const { return dataplane::NetAddress::v4(127, 0, 0, 1, port_); }

void OrtpPeer::set_remote(const dataplane::NetAddress& remote) {
  char ip[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, remote.bytes.data(), ip, sizeof(ip));
  rtp_session_set_remote_addr_full(session_, ip, remote.port, ip, remote.port + 1);
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
  rfc4733_.push_back({key, duration_ms, gap_ms});
}

bool OrtpPeer::keys_pending() const { return generator_.busy() || !rfc4733_.empty(); }

void OrtpPeer::send_event_packet(bool start, bool end, std::uint16_t duration) {
  const char key = rfc4733_.front().key;
  const int code = key == '*' ? 10 : key == '#' ? 11 : (key >= 'A' && key <= 'D') ? 12 + (key - 'A') : key - '0';
  mblk_t* m = rtp_session_create_telephone_event_packet(session_, start ? 1 : 0);
  rtp_session_add_telephone_event(session_, m, static_cast<std::uint8_t>(code), end ? 1 : 0, 10, duration);
  rtp_session_sendm_with_ts(session_, m, event_ts_);
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
  std::array<std::uint8_t, kFrameSamples> ulaw{};
  codecs::g711::encode_ulaw(pcm.data(), ulaw.data(), pcm.size());
  rtp_session_send_with_ts(session_, ulaw.data(), static_cast<int>(ulaw.size()), ts_);

  // RFC 4733, paced by the frames: start, an update per frame, the end three times, a gap.
  if (ends_sent_ < 0 && gap_frames_ > 0) --gap_frames_;
  if (ends_sent_ < 0 && gap_frames_ == 0 && !rfc4733_.empty()) {
    event_ts_ = ts_;
    event_frames_ = 0;
    ends_sent_ = 0;
    send_event_packet(true, false, 0);
  } else if (ends_sent_ >= 0) {
    const Rfc4733Key& k = rfc4733_.front();
    const std::uint32_t total = k.duration_ms * 8;
    ++event_frames_;
    const std::uint32_t d = event_frames_ * kFrameSamples;
    if (ends_sent_ == 0 && d < total) {
      send_event_packet(false, false, static_cast<std::uint16_t>(d));
    } else {
      send_event_packet(false, true, static_cast<std::uint16_t>(total));
      if (++ends_sent_ == 3) {
        gap_frames_ = k.gap_ms / 20;
        rfc4733_.pop_front();
        ends_sent_ = -1;
      }
    }
  }
  ts_ += kFrameSamples;
  ++frames_;
}

void OrtpPeer::on_event_packet(_RtpSession* session, void* packet, void* self_ptr, void*) {
  auto* self = static_cast<OrtpPeer*>(self_ptr);
  auto* m = static_cast<mblk_t*>(packet);
  ++self->event_packets_;
  telephone_event_t* tab = nullptr;
  const int n = rtp_session_read_telephone_event(session, m, &tab);
  const std::uint32_t ts = rtp_get_timestamp(m);
  for (int i = 0; i < n; ++i) {
    if (!tab[i].E || (self->has_end_ && ts == self->last_end_ts_)) continue;
    static constexpr char kKeys[] = "0123456789*#ABCD";
    self->rfc4733_keys_ += tab[i].event < 16 ? kKeys[tab[i].event] : '?';
    self->last_end_ts_ = ts;
    self->has_end_ = true;
  }
}

void OrtpPeer::receive() {
  // Without a jitter buffer oRTP returns queued packets in arrival order, one per call, and
  // reads the socket when the timestamp asked for moves; telephone-event packets go to the
  // signal above. Bounded: at most 256 calls.
  for (int i = 0; i < 256; ++i) {
    recv_ts_ += kFrameSamples;
    mblk_t* m = rtp_session_recvm_with_ts(session_, recv_ts_);
    if (m == nullptr) {
      if (i > 8) break;
      continue;
    }
    if (rtp_get_payload_type(m) == 0) {
      unsigned char* payload = nullptr;
      const int len = rtp_get_payload(m, &payload);
      const std::size_t at = audio_.size();
      audio_.resize(at + static_cast<std::size_t>(len));
      codecs::g711::decode_ulaw(payload, audio_.data() + at, static_cast<std::size_t>(len));
      ++audio_packets_;
    }
    freemsg(m);
  }
}

void write_wav_8k(std::span<const std::int16_t> pcm, const std::string& path) {
  std::ofstream f(path, std::ios::binary);
  auto u32 = [&](std::uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
  const auto bytes = static_cast<std::uint32_t>(pcm.size() * 2);
  f.write("RIFF", 4);
  u32(36 + bytes);
  f.write("WAVEfmt ", 8);
  u32(16);
  u16(1);
  u16(1);
  u32(8000);
  u32(16000);
  u16(2);
  u16(16);
  f.write("data", 4);
  u32(bytes);
  f.write(reinterpret_cast<const char*>(pcm.data()), bytes);
}

std::string multimon_dtmf(std::span<const std::int16_t> pcm, const std::string& wav_path) {
  if (std::system("command -v sox >/dev/null 2>&1 && command -v multimon-ng >/dev/null 2>&1") != 0) {
    return "?";
  }
  write_wav_8k(pcm, wav_path);
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
