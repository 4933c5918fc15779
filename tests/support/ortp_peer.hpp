#pragma once
// OrtpPeer: a far end for dataplane tests, built on oRTP (the library, not our code). One
// sending and receiving RtpSession on 127.0.0.1 at a port the kernel chose (oRTP 5 binds port 0
// as given), payload types PCMU 0 and telephone-event 101 by default.
//
// Sending is paced by the test: every send_frame() sends one 20 ms PCMU packet whose audio is,
// in order of precedence, in-band DTMF queued with key_inband() (our dsp::DtmfGenerator), else
// the next 20 ms of the buffer given to play() (looped), else silence; and, while an RFC 4733
// key queued with key_rfc4733() is due, its telephone-event packets built with oRTP's API
// (start with marker, an update every 50 ms, then the end packet three times).
//
// Receiving (receive(), non-blocking, oRTP without a jitter buffer): PCMU payloads are decoded
// and appended to audio(); every telephone-event packet is counted and read with oRTP's
// rtp_session_read_telephone_event, its ended keys appended to rfc4733_keys().
//
// Link: tests/support/ortp_peer.cpp, PkgConfig::ORTP, dialcore_dataplane_dsp, dialcore_codecs.

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "dataplane/api/net_address.hpp"
#include "dataplane/dsp/dtmf_generator.hpp"

struct _RtpSession;
struct _RtpProfile;

namespace dialcore::test {

class OrtpPeer {
 public:
  static constexpr std::uint32_t kFrameSamples = 160;  // 20 ms at 8 kHz

  explicit OrtpPeer(int pcmu_pt = 0, int event_pt = 101);
  ~OrtpPeer();
  OrtpPeer(const OrtpPeer&) = delete;
  OrtpPeer& operator=(const OrtpPeer&) = delete;

  dataplane::NetAddress address() const;  // 127.0.0.1 and the kernel-chosen RTP port
  void set_remote(const dataplane::NetAddress& remote);

  // What send_frame() sends when no in-band key sounds (looped); empty: silence.
  void play(std::vector<std::int16_t> pcm);
  void key_inband(char key, std::uint32_t on_ms = 100, std::uint32_t off_ms = 100);
  void key_rfc4733(char key, std::uint32_t duration_ms = 100, std::uint32_t gap_ms = 100);
  bool keys_pending() const;
  // One 20 ms frame (and the telephone-event packets due at it).
  void send_frame();

  void receive();
  const std::vector<std::int16_t>& audio() const { return audio_; }
  std::size_t audio_packets() const { return audio_packets_; }
  std::size_t event_packets() const { return event_packets_; }
  const std::string& rfc4733_keys() const { return rfc4733_keys_; }
  std::uint32_t sent_frames() const { return frames_; }

 private:
  struct Rfc4733Key {
    char key;
    std::uint32_t duration_ms, gap_ms;
  };
  static void on_event_packet(_RtpSession* session, void* packet, void* self, void*);
  void send_event_packet(bool start, bool end, std::uint16_t duration);

  _RtpSession* session_ = nullptr;
  _RtpProfile* profile_ = nullptr;
  int event_pt_;
  std::uint16_t port_ = 0;
  std::uint32_t ts_ = 0;        // RTP timestamp of the next audio frame
  std::uint32_t recv_ts_ = 0;   // oRTP's receive clock (only needs to move)
  std::uint32_t frames_ = 0;
  std::vector<std::int16_t> play_;
  std::size_t play_pos_ = 0;
  dataplane::dsp::DtmfGenerator generator_;
  std::deque<Rfc4733Key> rfc4733_;
  std::uint32_t event_ts_ = 0, event_frames_ = 0, gap_frames_ = 0;  // the key being sent
  int ends_sent_ = -1;  // -1: no key being sent
  std::vector<std::int16_t> audio_;
  std::size_t audio_packets_ = 0, event_packets_ = 0;
  std::string rfc4733_keys_;
  std::uint32_t last_end_ts_ = 0;
  bool has_end_ = false;
};

// The keys multimon-ng (the corpus scorer's decoder) hears in 8 kHz audio, or "?" when sox or
// multimon-ng is missing. Writes a WAV file next to the test's working directory.
std::string multimon_dtmf(std::span<const std::int16_t> pcm, const std::string& wav_path);
void write_wav_8k(std::span<const std::int16_t> pcm, const std::string& path);

}  // namespace dialcore::test
