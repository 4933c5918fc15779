#pragma once
// OrtpPeer: a far end for dataplane tests, built on oRTP (the library, not our code) through
// the simulators' RtpStream (sim/common/rtp_stream.hpp): one sending and receiving RtpSession on
// 127.0.0.1 at a port the kernel chose, payload types PCMU 0 and telephone-event 101 by default.
//
// Sending is paced by the test: every send_frame() sends one 20 ms PCMU packet whose audio is,
// in order of precedence, in-band DTMF queued with key_inband() (our dsp::DtmfGenerator), else
// the next 20 ms of the buffer given to play() (looped), else silence; and, while an RFC 4733
// key queued with key_rfc4733() is due, its telephone-event packets (RtpStream: start with
// marker, an update every frame, then the end packet three times, then the gap).
//
// Receiving (receive(), non-blocking, oRTP without a jitter buffer): PCMU payloads are decoded
// and appended to audio(); every telephone-event packet is counted and read with oRTP's
// rtp_session_read_telephone_event, its ended keys appended to rfc4733_keys().
//
// Link: tests/support/ortp_peer.cpp, dialcore_sim_common, dialcore_dataplane_dsp.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dataplane/api/net_address.hpp"
#include "dataplane/dsp/dtmf_generator.hpp"
#include "sim/common/rtp_stream.hpp"

namespace dialcore::test {

class OrtpPeer {
 public:
  static constexpr std::uint32_t kFrameSamples = 160;  // 20 ms at 8 kHz

  explicit OrtpPeer(int pcmu_pt = 0, int event_pt = 101);
  OrtpPeer(const OrtpPeer&) = delete;
  OrtpPeer& operator=(const OrtpPeer&) = delete;

  dataplane::NetAddress address() const;  // 127.0.0.1 and the kernel-chosen RTP port
  void set_remote(const dataplane::NetAddress& remote);

  // What send_frame() sends when no in-band key sounds (looped); empty: silence.
  void play(std::vector<std::int16_t> pcm);
  void key_inband(char key, std::uint32_t on_ms = 100, std::uint32_t off_ms = 100);
  void key_rfc4733(char key, std::uint32_t duration_ms = 100, std::uint32_t gap_ms = 100);
  bool keys_pending() const { return generator_.busy() || stream_.keys_pending(); }
  // One 20 ms frame (and the telephone-event packets due at it).
  void send_frame();

  void receive() { stream_.receive(true); }
  const std::vector<std::int16_t>& audio() const { return stream_.heard(); }
  std::size_t audio_packets() const { return stream_.audio_packets_received(); }
  std::size_t event_packets() const { return stream_.event_packets_received(); }
  const std::string& rfc4733_keys() const { return stream_.keys_heard(); }
  std::uint32_t sent_frames() const { return frames_; }

 private:
  sim::RtpStream stream_;
  sim::StreamFormat format_;
  std::uint32_t frames_ = 0;
  std::vector<std::int16_t> play_;
  std::size_t play_pos_ = 0;
  dataplane::dsp::DtmfGenerator generator_;
};

// The keys multimon-ng (the corpus scorer's decoder) hears in 8 kHz audio, or "?" when sox or
// multimon-ng is missing. Writes a WAV file next to the test's working directory.
std::string multimon_dtmf(std::span<const std::int16_t> pcm, const std::string& wav_path);

}  // namespace dialcore::test
