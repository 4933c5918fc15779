#include "tests/sim/carrier/rtp_sink.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "codecs/g711.hpp"
#include "dataplane/dsp/dtmf_detector.hpp"
#include "dataplane/rtp/rtp_packet.hpp"

namespace dialcore::test {

using Receiver = dataplane::rtp::TelephoneEventReceiver;

RtpSink::RtpSink() {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw std::runtime_error("cannot bind an RTP socket");
  }
  const int buf = 4 << 20;
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  port_ = ntohs(a.sin_port);
}

RtpSink::~RtpSink() {
  if (fd_ >= 0) ::close(fd_);
}

std::string RtpSink::offer(bool alaw, bool events) const {
  const std::string pt = alaw ? "8" : "0";
  std::string s = "v=0\r\no=- 7 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " +
                  std::to_string(port_) + " RTP/AVP " + pt + (events ? " 101" : "") + "\r\n" +
                  "a=rtpmap:" + pt + (alaw ? " PCMA/8000\r\n" : " PCMU/8000\r\n");
  if (events) s += "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";
  return s + "a=ptime:20\r\na=sendrecv\r\n";
}

void RtpSink::drain() {
  Receiver* receiver = &receiver_;
  std::array<std::uint8_t, 2048> buf{};
  std::array<dataplane::rtp::TelephoneEventReport, 8> reports{};
  static constexpr char kKeys[] = "0123456789*#ABCD";
  std::uint64_t now_ns = 0;
  for (;;) {
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    now_ns += 1'000'000;
    const std::span<const std::uint8_t> bytes(buf.data(), static_cast<std::size_t>(n));
    dataplane::rtp::RtpPacket p;
    if (dataplane::rtp::parse_rtp(bytes, p) != dataplane::rtp::RtpStatus::Ok) continue;
    const auto payload = p.payload_in(bytes);
    if (p.payload_type == 0 || p.payload_type == 8) {
      const std::size_t at = audio_.size();
      audio_.resize(at + payload.size());
      if (p.payload_type == 0) {
        codecs::g711::decode_ulaw(payload.data(), audio_.data() + at, payload.size());
      } else {
        codecs::g711::decode_alaw(payload.data(), audio_.data() + at, payload.size());
      }
      ++audio_packets_;
    } else if (p.payload_type == 101) {
      ++event_packets_;
      const std::size_t k = receiver->on_packet(p.timestamp, payload, now_ns, reports);
      for (std::size_t i = 0; i < k; ++i) keys_ += reports[i].event < 16 ? kKeys[reports[i].event] : '?';
    }
  }
  const std::size_t k = receiver->on_timer(now_ns + 10'000'000'000ULL, reports);
  for (std::size_t i = 0; i < k; ++i) keys_ += reports[i].event < 16 ? kKeys[reports[i].event] : '?';
}

void RtpSink::send_pcmu(std::uint16_t port, int packets) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::array<std::int16_t, 160> pcm{};
  std::array<std::uint8_t, 12 + 160> pkt{};
  for (int i = 0; i < packets; ++i) {
    for (std::size_t s = 0; s < pcm.size(); ++s) {
      pcm[s] = static_cast<std::int16_t>(8000 * std::sin(2 * 3.14159265 * 440 * static_cast<double>(static_cast<std::size_t>(i) * 160 + s) / 8000.0));
    }
    pkt[0] = 0x80;
    pkt[1] = 0;
    pkt[2] = static_cast<std::uint8_t>(i >> 8);
    pkt[3] = static_cast<std::uint8_t>(i);
    const std::uint32_t ts = static_cast<std::uint32_t>(i) * 160;
    pkt[4] = static_cast<std::uint8_t>(ts >> 24);
    pkt[5] = static_cast<std::uint8_t>(ts >> 16);
    pkt[6] = static_cast<std::uint8_t>(ts >> 8);
    pkt[7] = static_cast<std::uint8_t>(ts);
    pkt[8] = 0x12;
    pkt[9] = 0x34;
    pkt[10] = 0x56;
    pkt[11] = 0x78;
    codecs::g711::encode_ulaw(pcm.data(), pkt.data() + 12, pcm.size());
    ::sendto(fd_, pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
}

std::string inband_keys(const std::vector<std::int16_t>& pcm) {
  dataplane::dsp::DtmfDetector detector;
  std::array<dataplane::dsp::DtmfEvent, 16> events{};
  std::string keys;
  for (std::size_t at = 0; at + 160 <= pcm.size(); at += 160) {
    const auto r = detector.process(std::span<const std::int16_t>(pcm.data() + at, 160), at, events);
    for (std::size_t i = 0; i < r.count; ++i) {
      if (events[i].kind == dataplane::dsp::DtmfEvent::Kind::Begin) keys += events[i].digit;
    }
  }
  return keys;
}

std::uint16_t sdp_audio_port(const std::string& sdp) {
  const auto at = sdp.find("m=audio ");
  if (at == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::stoi(sdp.substr(at + 8)));
}

}  // namespace dialcore::test
