#pragma once
// The peers' side of `dialbench dataplane`: RTP payloads encoded once from speech with our codec
// layer, and a generator that writes whole Ethernet/IPv4/UDP/RTP frames (real checksums) into
// mbufs of the backend's pool, round robin over many streams, each with its own sequence and
// timestamp. Runs on the bench thread between worker turns, outside the timed part.

#include <cstdint>
#include <span>
#include <vector>

#include "dataplane/api/codec_spec.hpp"
#include "dataplane/api/net_address.hpp"
#include "dataplane/io/dpdk_io.hpp"

struct rte_mbuf;
struct rte_mempool;

namespace dialcore::bench {

// One codec's packets: `frames` 20 ms payloads of speech, cycled through by every stream.
struct PayloadSet {
  std::vector<std::vector<std::uint8_t>> frames;
  std::uint8_t payload_type = 0;
  std::uint32_t ts_step = 160;  // RTP clock ticks per packet
};
// Encodes `speech` (8 kHz) in `spec`'s codec, 20 ms per packet, up to `packets` packets.
// Throws std::runtime_error when the codec cannot be made.
PayloadSet encode_payloads(const dataplane::CodecSpec& spec, std::span<const std::int16_t> speech,
                           std::size_t packets);

class Generator {
 public:
  Generator(const dataplane::MacAddress& peer_mac, const dataplane::MacAddress& our_mac)
      : peer_mac_(peer_mac), our_mac_(our_mac) {}
  void add(const dataplane::NetAddress& from, const dataplane::NetAddress& to, const PayloadSet& payloads);
  // Fills n fresh mbufs of `pool` with the next streams' next packets; false when the pool is
  // short (nothing taken then).
  bool fill(rte_mempool* pool, rte_mbuf** mbufs, unsigned n);
  std::size_t streams() const { return streams_.size(); }

 private:
  struct Stream {
    dataplane::NetAddress from, to;
    const PayloadSet* payloads = nullptr;
    std::uint32_t ssrc = 0;
    std::uint32_t ts = 0;
    std::uint16_t seq = 0;
    std::uint32_t frame = 0;
  };
  void write(rte_mbuf* m, Stream& s);

  dataplane::MacAddress peer_mac_, our_mac_;
  std::vector<Stream> streams_;
  std::size_t next_ = 0;
};

}  // namespace dialcore::bench
