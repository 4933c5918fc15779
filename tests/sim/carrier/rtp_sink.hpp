#pragma once
// The dialler's media side in the carrier simulator tests: a plain UDP socket at a port the
// kernel picks, an SDP offer naming it, and the project's own RTP code to read what arrives:
// dataplane/rtp's parser, codecs' G.711, dataplane/rtp's RFC 4733 receiver (keys) and
// dataplane/dsp's DTMF detector (in-band keys).

#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/rtp/telephone_event_receiver.hpp"

namespace dialcore::test {

class RtpSink {
 public:
  RtpSink();  // binds 127.0.0.1:0; throws std::runtime_error
  ~RtpSink();
  RtpSink(const RtpSink&) = delete;
  RtpSink& operator=(const RtpSink&) = delete;

  std::uint16_t port() const { return port_; }
  // An offer for this socket: PCMU (pt 0) or PCMA (pt 8), with telephone-event 101 if asked.
  std::string offer(bool alaw = false, bool events = true) const;
  // Reads every datagram waiting (non-blocking).
  void drain();
  // Sends `packets` 20 ms PCMU packets of a tone to 127.0.0.1:`port`.
  void send_pcmu(std::uint16_t port, int packets);

  const std::vector<std::int16_t>& audio() const { return audio_; }
  std::size_t audio_packets() const { return audio_packets_; }
  std::size_t event_packets() const { return event_packets_; }
  const std::string& rfc4733_keys() const { return keys_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::vector<std::int16_t> audio_;
  std::size_t audio_packets_ = 0, event_packets_ = 0;
  std::string keys_;
  dataplane::rtp::TelephoneEventReceiver receiver_{8000};
};

// The in-band keys dataplane/dsp's DtmfDetector hears in 8 kHz audio.
std::string inband_keys(const std::vector<std::int16_t>& pcm);
// The m=audio port of an SDP body, 0 if none.
std::uint16_t sdp_audio_port(const std::string& sdp);

}  // namespace dialcore::test
