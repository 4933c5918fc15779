#include "bench/dataplane/dataplane_traffic.hpp"

#include <array>
#include <cstring>
#include <stdexcept>

#include "codecs/codec.hpp"
#include "dataplane/rtp/rtp_writer.hpp"

#include "dataplane/io/dpdk_headers.hpp"

namespace dialcore::bench {

using dataplane::NetAddress;

PayloadSet encode_payloads(const dataplane::CodecSpec& spec, std::span<const std::int16_t> speech,
                           std::size_t packets) {
  PayloadSet set;
  set.payload_type = spec.payload_type;
  set.ts_step = spec.format.rtp_clock_hz / 50;
  auto encoder = codecs::make_encoder(spec.format, {});
  if (!encoder) throw std::runtime_error("dialbench dataplane: cannot make an encoder");
  std::array<std::uint8_t, 1500> out{};
  for (std::size_t p = 0; p < packets && (p + 1) * 160 <= speech.size(); ++p) {
    const auto r = encoder->encode(speech.subspan(p * 160, 160), out);
    if (r.status != codecs::CodecStatus::Ok) throw std::runtime_error("dialbench dataplane: encode failed");
    set.frames.emplace_back(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.count));
  }
  if (set.frames.empty()) throw std::runtime_error("dialbench dataplane: no speech to encode");
  return set;
}

void Generator::add(const NetAddress& from, const NetAddress& to, const PayloadSet& payloads) {
  Stream s;
  s.from = from;
  s.to = to;
  s.payloads = &payloads;
  s.ssrc = 0x5EED0000u + static_cast<std::uint32_t>(streams_.size());
  streams_.push_back(s);
}

bool Generator::fill(rte_mempool* pool, rte_mbuf** mbufs, unsigned n) {
  if (rte_pktmbuf_alloc_bulk(pool, mbufs, n) != 0) return false;
  for (unsigned i = 0; i < n; ++i) {
    Stream& s = streams_[next_];
    next_ = next_ + 1 == streams_.size() ? 0 : next_ + 1;
    write(mbufs[i], s);
  }
  return true;
}

void Generator::write(rte_mbuf* m, Stream& s) {
  const std::vector<std::uint8_t>& payload = s.payloads->frames[s.frame];
  s.frame = s.frame + 1 == s.payloads->frames.size() ? 0 : s.frame + 1;
  ++s.seq;
  s.ts += s.payloads->ts_step;
  const std::size_t rtp_len = dataplane::rtp::kRtpHeaderBytes + payload.size();
  const std::size_t frame_len = sizeof(rte_ether_hdr) + sizeof(rte_ipv4_hdr) + sizeof(rte_udp_hdr) + rtp_len;
  if (frame_len > rte_pktmbuf_tailroom(m)) throw std::runtime_error("dialbench dataplane: frame too long");
  // Written at the data offset and sized by hand: rte_pktmbuf_append's inlined null path makes
  // GCC 12 -O3 warn (-Warray-bounds) on the writes below.
  auto* frame = static_cast<std::uint8_t*>(m->buf_addr) + m->data_off;
  m->data_len = static_cast<std::uint16_t>(frame_len);
  m->pkt_len = static_cast<std::uint32_t>(frame_len);

  auto* eth = reinterpret_cast<rte_ether_hdr*>(frame);
  std::memcpy(eth->dst_addr.addr_bytes, our_mac_.data(), 6);
  std::memcpy(eth->src_addr.addr_bytes, peer_mac_.data(), 6);
  eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
  auto* ip = reinterpret_cast<rte_ipv4_hdr*>(eth + 1);
  ip->version_ihl = RTE_IPV4_VHL_DEF;
  ip->type_of_service = 0;
  ip->total_length = rte_cpu_to_be_16(static_cast<std::uint16_t>(frame_len - sizeof(rte_ether_hdr)));
  ip->packet_id = 0;
  ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
  ip->time_to_live = 64;
  ip->next_proto_id = IPPROTO_UDP;
  ip->hdr_checksum = 0;
  std::memcpy(&ip->src_addr, s.from.bytes.data(), 4);
  std::memcpy(&ip->dst_addr, s.to.bytes.data(), 4);
  ip->hdr_checksum = rte_ipv4_cksum(ip);
  auto* udp = reinterpret_cast<rte_udp_hdr*>(ip + 1);
  udp->src_port = rte_cpu_to_be_16(s.from.port);
  udp->dst_port = rte_cpu_to_be_16(s.to.port);
  udp->dgram_len = rte_cpu_to_be_16(static_cast<std::uint16_t>(sizeof(rte_udp_hdr) + rtp_len));
  udp->dgram_cksum = 0;
  auto* rtp = reinterpret_cast<std::uint8_t*>(udp + 1);
  dataplane::rtp::write_rtp_header(dataplane::rtp::RtpHeaderBytes(rtp, dataplane::rtp::kRtpHeaderBytes),
                                   {s.ssrc, s.ts, s.seq, s.payloads->payload_type, false});
  std::memcpy(rtp + dataplane::rtp::kRtpHeaderBytes, payload.data(), payload.size());
  udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);  // the peers send real checksums
}

}  // namespace dialcore::bench
