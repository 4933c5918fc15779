#pragma once
// One call's media on oRTP (Debian liboRTP, the design card's library for RTP endpoints): a
// send-and-receive RtpSession bound to the simulator's address at a kernel-chosen port,
// G.711 (PCMU or PCMA, the negotiated payload type) in 20 ms packets the caller paces, RFC 4733
// telephone-event packets built with oRTP's API (start with marker, an update per 20 ms frame,
// the end packet three times, then the key's pause), and a receive side that counts every
// packet, decodes G.711 into what the call heard, counts telephone-event packets and reads the
// keys they end (oRTP's rtp_session_read_telephone_event). tests/support/ortp_peer wraps it.
//
// Threads: one thread (the simulator's loop) per stream; oRTP is initialised once per process.
// send_frame() allocates nothing; receive() grows the heard-audio buffer only when capturing.

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

struct _RtpSession;
struct _RtpProfile;

namespace dialcore::sim {

struct StreamFormat {
  bool alaw = false;           // PCMA, else PCMU
  std::uint8_t audio_pt = 0;   // as negotiated
  int event_pt = -1;           // telephone-event PT, -1 when not negotiated
  std::string remote_ip;       // IPv4 or IPv6 literal
  std::uint16_t remote_port = 0;
};

class RtpStream {
 public:
  static constexpr std::size_t kFrameSamples = 160;  // 20 ms at 8 kHz

  // Binds local_ip at a port the kernel picks. Throws std::runtime_error when it cannot.
  explicit RtpStream(const std::string& local_ip);
  ~RtpStream();
  RtpStream(const RtpStream&) = delete;
  RtpStream& operator=(const RtpStream&) = delete;

  std::uint16_t port() const { return port_; }
  void connect(const StreamFormat& format);

  // Sends one 20 ms frame (kFrameSamples) and the telephone-event packets due with it.
  void send_frame(std::span<const std::int16_t> pcm);
  // Queues a key as RFC 4733 events; false when no telephone-event was negotiated.
  bool key_rfc4733(char key, std::uint32_t on_ms, std::uint32_t off_ms);
  bool keys_pending() const { return !keys_.empty(); }

  // Reads what has arrived (non-blocking, bounded). keep_audio: append decoded G.711 to heard().
  void receive(bool keep_audio);

  std::uint64_t packets_sent() const { return sent_; }
  std::uint64_t packets_received() const { return received_; }
  std::uint64_t event_packets_received() const { return events_received_; }
  std::uint64_t audio_packets_received() const { return audio_received_; }
  const std::vector<std::int16_t>& heard() const { return heard_; }
  // The keys whose RFC 4733 end packet arrived (each key once, its repeated ends ignored).
  const std::string& keys_heard() const { return keys_heard_; }

 private:
  struct Key {
    std::uint8_t code;
    std::uint32_t on_samples, off_samples;
  };
  static void on_event_packet(_RtpSession* session, void* packet, void* self, void*);
  void send_event(bool start, bool end, std::uint32_t duration);
  void advance_key();

  _RtpSession* session_ = nullptr;
  _RtpProfile* profile_ = nullptr;
  StreamFormat format_;
  std::uint16_t port_ = 0;
  std::uint32_t ts_ = 0, recv_ts_ = 0;
  std::deque<Key> keys_;
  // The key at the front: its timestamp, samples sounded so far, end packets sent, pause left.
  std::uint32_t key_ts_ = 0, key_done_ = 0, pause_left_ = 0;
  int ends_sent_ = -1;  // -1: the front key has not started
  std::uint64_t sent_ = 0, received_ = 0, events_received_ = 0, audio_received_ = 0;
  std::vector<std::int16_t> heard_;
  std::string keys_heard_;
  std::uint32_t last_end_ts_ = 0;
  bool has_end_ = false;
};

}  // namespace dialcore::sim
