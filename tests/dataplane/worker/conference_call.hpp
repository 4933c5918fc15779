#pragma once
// Conference tests' far ends and judge (issue 8): CodecPeer, a far end in any codec we have
// (PCMA, G.729, Opus...) on a UdpPeer socket with our codecs' encoder and decoder, paced by the
// test like OrtpPeer and with the same calls; tones; and a Goertzel amplitude to tell which
// party's tone a far end hears.

#include <cmath>
#include <memory>
#include <numbers>
#include <span>
#include <vector>

#include "codecs/codec.hpp"
#include "dataplane/rtp/rtp_packet.hpp"
#include "dataplane/rtp/rtp_writer.hpp"
#include "tests/dataplane/io/udp_peer.hpp"

namespace dialcore::test {

// A sine of `hz` at `amplitude`, `n` samples at 8 kHz (a whole number of 20 ms frames loops
// cleanly when n * hz / 8000 is whole).
inline std::vector<std::int16_t> tone(double hz, double amplitude, std::size_t n = 8000) {
  std::vector<std::int16_t> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = static_cast<std::int16_t>(amplitude * std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / 8000.0));
  }
  return v;
}

// The amplitude of the `hz` component of x (8 kHz), by Goertzel over the whole span.
inline double tone_amplitude(std::span<const std::int16_t> x, double hz) {
  if (x.empty()) return 0.0;
  const double w = 2.0 * std::numbers::pi * hz / 8000.0, coeff = 2.0 * std::cos(w);
  double s1 = 0.0, s2 = 0.0;
  for (const std::int16_t v : x) {
    const double s0 = static_cast<double>(v) + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return 2.0 * std::sqrt(std::max(power, 0.0)) / static_cast<double>(x.size());
}

// The last `n` samples of a far end's audio (all of it when shorter).
inline std::span<const std::int16_t> tail(const std::vector<std::int16_t>& audio, std::size_t n) {
  const std::span<const std::int16_t> all(audio);
  return all.size() <= n ? all : all.last(n);
}

class CodecPeer {
 public:
  CodecPeer(codecs::CodecId id, std::uint8_t pt) : sock_(loopback_v4()), pt_(pt) {
    format_.id = id;
    if (id == codecs::CodecId::Opus) {
      format_.rtp_clock_hz = 48000;
      format_.frame_ms = 20;
    }
    encoder_ = codecs::make_encoder(format_, {});
    decoder_ = codecs::make_decoder(format_);
  }
  bool ok() const { return sock_.ok() && encoder_ && decoder_; }
  dataplane::NetAddress address() const { return sock_.address(); }
  void set_remote(const dataplane::NetAddress& remote) { remote_ = remote; }
  void play(std::vector<std::int16_t> pcm) { play_ = std::move(pcm); }

  // One 20 ms packet of the played audio (looped).
  void send_frame() {
    std::array<std::int16_t, 160> pcm{};
    for (auto& s : pcm) {
      s = play_.empty() ? 0 : play_[pos_];
      if (!play_.empty()) pos_ = (pos_ + 1) % play_.size();
    }
    std::array<std::uint8_t, 1500> buf{};
    const codecs::CodecResult r = encoder_->encode(pcm, std::span<std::uint8_t>(buf).subspan(12));
    if (!r.ok()) return;
    dataplane::rtp::write_rtp_header(dataplane::rtp::RtpHeaderBytes(buf.data(), 12),
                                     {0xC0DEC0DEu, ts_, seq_++, pt_, false});
    ts_ += format_.rtp_clock_hz / 50;
    sock_.send_to(remote_, std::span<const std::uint8_t>(buf.data(), 12 + r.count));
    ++frames_;
  }
  // Everything waiting, decoded and appended to audio() (non-blocking).
  void receive() {
    for (int i = 0; i < 64; ++i) {
      auto d = sock_.receive(0);
      if (!d) return;
      dataplane::rtp::RtpPacket p;
      if (dataplane::rtp::parse_rtp(d->bytes, p) != dataplane::rtp::RtpStatus::Ok) continue;
      if (p.payload_type != pt_) continue;
      std::array<std::int16_t, 960> pcm{};
      const auto r = decoder_->decode(p.payload_in(std::span<std::uint8_t>(d->bytes)), pcm);
      if (!r.ok()) continue;
      heard_.insert(heard_.end(), pcm.begin(), pcm.begin() + static_cast<std::ptrdiff_t>(r.count));
      ++packets_;
    }
  }
  const std::vector<std::int16_t>& audio() const { return heard_; }
  std::size_t audio_packets() const { return packets_; }
  std::uint32_t sent_frames() const { return frames_; }

 private:
  UdpPeer sock_;
  codecs::CodecFormat format_{};
  std::uint8_t pt_;
  std::unique_ptr<codecs::Encoder> encoder_;
  std::unique_ptr<codecs::Decoder> decoder_;
  dataplane::NetAddress remote_{};
  std::vector<std::int16_t> play_, heard_;
  std::size_t pos_ = 0, packets_ = 0;
  std::uint16_t seq_ = 1;
  std::uint32_t ts_ = 0, frames_ = 0;
};

}  // namespace dialcore::test
