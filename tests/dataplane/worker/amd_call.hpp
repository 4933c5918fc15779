#pragma once
// An answered outbound leg with AMD on, driven through a worker: audio (8 or 16 kHz PCM) sent by
// a UdpPeer far end as RTP in real packet timing on the harness's clock, then `tail_ms` with no
// RTP at all; the Amd events the worker posted for the leg, in order.

#include <cstdint>
#include <vector>

#include "codecs/codec.hpp"
#include "codecs/g711.hpp"
#include "worker_harness.hpp"

namespace dialcore::test {

struct AmdCall {
  std::vector<AmdEventArgs> events;
  std::uint64_t start_ns = 0;  // the harness clock when StartAmd was handled
  const AmdEventArgs* verdict() const {
    for (const auto& e : events) {
      if (!e.correction && !e.beep) return &e;
    }
    return nullptr;
  }
  const AmdEventArgs* find(bool correction, bool beep, bool beep_end) const {
    for (const auto& e : events) {
      if (e.correction == correction && e.beep == beep && e.beep_end == beep_end) return &e;
    }
    return nullptr;
  }
};

// Encodes `pcm` (at the codec's rate) as the payload of one packet (G.729: 10 ms frames, the
// encoder kept across calls, as a far end's is).
inline std::vector<std::uint8_t> encode_payload(codecs::CodecId codec, std::span<const std::int16_t> pcm) {
  std::vector<std::uint8_t> out;
  if (codec == codecs::CodecId::G729) {
    static const std::unique_ptr<codecs::Encoder> g729 = [] {
      codecs::CodecFormat f;
      f.id = codecs::CodecId::G729;
      return codecs::make_encoder(f, {});
    }();
    REQUIRE(g729 != nullptr);
    out.resize(pcm.size());
    const codecs::CodecResult r = g729->encode(pcm, out);
    REQUIRE(r.ok());
    out.resize(r.count);
    return out;
  }
  if (codec == codecs::CodecId::L16) {  // RFC 3551: big-endian
    for (std::int16_t s : pcm) {
      const auto u = static_cast<std::uint16_t>(s);
      out.push_back(static_cast<std::uint8_t>(u >> 8));
      out.push_back(static_cast<std::uint8_t>(u & 0xFF));
    }
    return out;
  }
  out.resize(pcm.size());
  if (codec == codecs::CodecId::Pcma) {
    codecs::g711::encode_alaw(pcm.data(), out.data(), pcm.size());
  } else {
    codecs::g711::encode_ulaw(pcm.data(), out.data(), pcm.size());
  }
  return out;
}

// Starts AMD on `leg` (REQUIREs Ok), sends `pcm` from `far` in packets of `ptime_ms` at
// `rate_hz`, then turns the worker for `tail_ms` more with no RTP.
inline AmdCall amd_call(WorkerHarness& h, LegId leg, const UdpPeer& far, const AmdArgs& args,
                        std::span<const std::int16_t> pcm, codecs::CodecId codec, std::uint8_t pt,
                        std::uint32_t ptime_ms = 20, std::uint32_t rate_hz = 8000,
                        std::uint32_t tail_ms = 0) {
  const std::size_t first = h.events().size();
  AmdCall call;
  call.start_ns = h.now_ns();
  REQUIRE(h.call(leg, args).status == ReplyStatus::Ok);
  const NetAddress to = h.local_of(leg);
  const std::size_t per_packet = rate_hz / 1000 * ptime_ms;
  std::uint16_t seq = 100;
  std::uint32_t ts = 5000;
  for (std::size_t at = 0; at + per_packet <= pcm.size(); at += per_packet) {
    auto packet = rtp_bytes(0xA3D, seq++, ts, pt, 0);
    const auto payload = encode_payload(codec, pcm.subspan(at, per_packet));
    packet.insert(packet.end(), payload.begin(), payload.end());
    ts += static_cast<std::uint32_t>(per_packet);
    REQUIRE(far.send_to(to, packet));
    h.advance_ms(ptime_ms);
    h.turn();
    h.turn();
    drain_socket(far);
  }
  for (std::uint32_t t = 0; t < tail_ms; t += 20) {
    h.advance_ms(20);
    h.turn();
  }
  for (std::size_t i = first; i < h.events().size(); ++i) {
    const Event& e = h.events()[i];
    if (e.type == EventType::Amd && e.leg == leg) call.events.push_back(e.args<AmdEventArgs>());
  }
  return call;
}

// 8 kHz audio at 16 kHz by repeating each sample (the images above 4 kHz are what the worker's
// half-band decimator must remove).
inline std::vector<std::int16_t> to_16k(std::span<const std::int16_t> pcm) {
  std::vector<std::int16_t> out;
  out.reserve(pcm.size() * 2);
  for (std::int16_t s : pcm) {
    out.push_back(s);
    out.push_back(s);
  }
  return out;
}

}  // namespace dialcore::test
