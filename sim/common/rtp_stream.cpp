#include "sim/common/rtp_stream.hpp"

#include <array>
#include <stdexcept>

#include <ortp/ortp.h>
#include <ortp/telephonyevents.h>

#include "codecs/g711.hpp"
#include "dataplane/rtp/telephone_event.hpp"

namespace dialcore::sim {
namespace {

constexpr std::uint32_t kFrame = RtpStream::kFrameSamples;  // RTP timestamp units per frame

void ortp_once() {
  static const bool done = [] {
    ortp_init();
    // Without a jitter buffer oRTP logs every packet as "unconverged": fatal messages only.
    ortp_set_log_level_mask(ORTP_LOG_DOMAIN, ORTP_FATAL);
    ortp_set_log_level_mask(nullptr, ORTP_FATAL);
    return true;
  }();
  (void)done;
}

}  // namespace

RtpStream::RtpStream(const std::string& local_ip) {
  ortp_once();
  session_ = rtp_session_new(RTP_SESSION_SENDRECV);
  rtp_session_set_blocking_mode(session_, FALSE);
  rtp_session_enable_jitter_buffer(session_, FALSE);
  rtp_session_enable_rtcp(session_, FALSE);
  // Port 0: the kernel chooses (oRTP 5 binds port 0 as given; -1 would be oRTP's own pick).
  if (rtp_session_set_local_addr(session_, local_ip.c_str(), 0, 0) != 0) {
    rtp_session_destroy(session_);
    throw std::runtime_error("oRTP could not bind " + local_ip + ":0");
  }
  port_ = static_cast<std::uint16_t>(rtp_session_get_local_port(session_));
  rtp_session_signal_connect(session_, "telephone-event_packet",
                             reinterpret_cast<RtpCallback>(&RtpStream::on_event_packet), this);
  ts_ = 1000;
}

RtpStream::~RtpStream() {
  rtp_session_destroy(session_);
  if (profile_ != nullptr) rtp_profile_destroy(profile_);
}

void RtpStream::connect(const StreamFormat& format) {
  format_ = format;
  _RtpProfile* old = profile_;
  profile_ = rtp_profile_new("dialcore-sim");
  rtp_profile_set_payload(profile_, format.audio_pt,
                          format.alaw ? &payload_type_pcma8000 : &payload_type_pcmu8000);
  if (format.event_pt >= 0) rtp_profile_set_payload(profile_, format.event_pt, &payload_type_telephone_event);
  rtp_session_set_profile(session_, profile_);
  rtp_session_set_payload_type(session_, format.audio_pt);
  if (old != nullptr) rtp_profile_destroy(old);  // connected again: the session holds the new one
  rtp_session_set_remote_addr_full(session_, format.remote_ip.c_str(), format.remote_port,
                                   format.remote_ip.c_str(), format.remote_port + 1);
}

bool RtpStream::key_rfc4733(char key, std::uint32_t on_ms, std::uint32_t off_ms) {
  const int code = dataplane::rtp::dtmf_event_code(key);
  if (format_.event_pt < 0 || code < 0) return false;
  keys_.push_back({static_cast<std::uint8_t>(code), on_ms * 8, off_ms * 8});
  return true;
}

void RtpStream::send_event(bool start, bool end, std::uint32_t duration) {
  mblk_t* m = rtp_session_create_telephone_event_packet(session_, start ? 1 : 0);
  rtp_session_add_telephone_event(session_, m, keys_.front().code, end ? 1 : 0, 10,
                                  static_cast<std::uint16_t>(duration));
  rtp_session_sendm_with_ts(session_, m, key_ts_);
  ++sent_;
}

// RFC 4733 paced by the audio frames: the start (duration 0, marker) with the frame the key
// begins at, an update each frame while it sounds, the end (E) three times, then the pause.
void RtpStream::advance_key() {
  if (keys_.empty()) return;
  const Key& k = keys_.front();
  if (ends_sent_ < 0) {
    key_ts_ = ts_;
    key_done_ = 0;
    ends_sent_ = 0;
    send_event(true, false, 0);
    return;
  }
  if (ends_sent_ < 3) {
    key_done_ += kFrame;
    if (key_done_ < k.on_samples) {
      send_event(false, false, key_done_);
    } else {
      send_event(false, true, k.on_samples);
      if (++ends_sent_ == 3) pause_left_ = k.off_samples;
    }
    return;
  }
  pause_left_ = pause_left_ > kFrame ? pause_left_ - kFrame : 0;
  if (pause_left_ == 0) {
    keys_.pop_front();
    ends_sent_ = -1;
  }
}

void RtpStream::send_frame(std::span<const std::int16_t> pcm) {
  std::array<std::uint8_t, kFrameSamples> g711{};
  const std::size_t n = std::min(pcm.size(), kFrameSamples);
  if (format_.alaw) {
    codecs::g711::encode_alaw(pcm.data(), g711.data(), n);
  } else {
    codecs::g711::encode_ulaw(pcm.data(), g711.data(), n);
  }
  rtp_session_send_with_ts(session_, g711.data(), static_cast<int>(n), ts_);
  ++sent_;
  advance_key();
  ts_ += kFrame;
}

void RtpStream::on_event_packet(_RtpSession* session, void* packet, void* self_ptr, void*) {
  auto* self = static_cast<RtpStream*>(self_ptr);
  auto* m = static_cast<mblk_t*>(packet);
  ++self->events_received_;
  telephone_event_t* tab = nullptr;
  const int n = rtp_session_read_telephone_event(session, m, &tab);
  const std::uint32_t ts = rtp_get_timestamp(m);
  for (int i = 0; i < n; ++i) {
    if (!tab[i].E || (self->has_end_ && ts == self->last_end_ts_)) continue;
    static constexpr char kKeys[] = "0123456789*#ABCD";
    self->keys_heard_ += tab[i].event < 16 ? kKeys[tab[i].event] : '?';
    self->last_end_ts_ = ts;
    self->has_end_ = true;
  }
}

void RtpStream::receive(bool keep_audio) {
  // Without a jitter buffer oRTP hands queued packets back in arrival order, one per call,
  // reading the socket as the timestamp asked for moves; telephone-event packets go to the
  // signal above. Bounded: at most 256 calls.
  for (int i = 0; i < 256; ++i) {
    recv_ts_ += kFrame;
    mblk_t* m = rtp_session_recvm_with_ts(session_, recv_ts_);
    if (m == nullptr) {
      if (i > 8) break;
      continue;
    }
    ++received_;
    const bool audio = rtp_get_payload_type(m) == format_.audio_pt;
    if (audio) ++audio_received_;
    if (keep_audio && audio) {
      unsigned char* payload = nullptr;
      const int len = rtp_get_payload(m, &payload);
      if (len > 0) {
        const std::size_t at = heard_.size();
        heard_.resize(at + static_cast<std::size_t>(len));
        if (format_.alaw) {
          codecs::g711::decode_alaw(payload, heard_.data() + at, static_cast<std::size_t>(len));
        } else {
          codecs::g711::decode_ulaw(payload, heard_.data() + at, static_cast<std::size_t>(len));
        }
      }
    }
    freemsg(m);
  }
}

}  // namespace dialcore::sim
