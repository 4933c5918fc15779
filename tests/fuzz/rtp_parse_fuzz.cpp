// libFuzzer target for the RTP and RTCP parsers (dataplane/rtp), built with clang++ and
// -fsanitize=fuzzer,address,undefined by tests/fuzz/CMakeLists.txt. Each input is one UDP
// payload; it goes through everything the worker does with a packet from the network:
//   - classify_packet, parse_rtp, and for a parsed packet: a header rewrite and a re-parse,
//     which must give the same layout (the rewrite touches nothing it should not);
//   - parse_rtcp under both rule sets, every part walked with every reader; for a parsed SR/RR
//     its reports are rebuilt with RtcpWriter and must parse again;
//   - the input cut into 12-byte headers, fed as a packet sequence (with arrival times taken
//     from the bytes) through RtpReceiverStats and StreamRewriter, so their sequence, wrap and
//     time arithmetic sees arbitrary values under UBSan.
// A broken invariant calls __builtin_trap(), which libFuzzer reports as a crash.
//
//   build-rtp/bin/rtp_parse_fuzz -runs=1000000 CORPUS_COPY_DIR   (see tests/fuzz/README.md)

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "dataplane/rtp/packet_kind.hpp"
#include "dataplane/rtp/rtcp_packet.hpp"
#include "dataplane/rtp/rtcp_writer.hpp"
#include "dataplane/rtp/rtp_packet.hpp"
#include "dataplane/rtp/rtp_receiver_stats.hpp"
#include "dataplane/rtp/rtp_sender_stats.hpp"
#include "dataplane/rtp/rtp_writer.hpp"
#include "dataplane/rtp/stream_rewriter.hpp"

namespace rtp = dialcore::dataplane::rtp;

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

void fuzz_rtp(std::span<const std::uint8_t> data) {
  rtp::RtpPacket p;
  if (rtp::parse_rtp(data, p) != rtp::RtpStatus::Ok) return;
  require(p.size() == data.size());
  require(p.payload_offset >= rtp::kRtpHeaderBytes + 4u * p.csrc_count);
  require(!p.has_extension || p.extension_offset + p.extension_bytes == p.payload_offset);
  for (std::size_t i = 0; i < p.csrc_count; ++i) (void)rtp::rtp_csrc(data, i);

  std::array<std::uint8_t, rtp::kMaxRtpPacketBytes> copy{};
  std::memcpy(copy.data(), data.data(), data.size());
  const std::span<std::uint8_t> packet(copy.data(), data.size());
  const rtp::RtpHeaderFields fields{~p.ssrc, p.timestamp + 1, static_cast<std::uint16_t>(p.sequence + 1),
                                    static_cast<std::uint8_t>(p.payload_type ^ 0x55u), !p.marker};
  rtp::rewrite_rtp_header(packet.first<rtp::kRtpHeaderBytes>(), fields);
  rtp::RtpPacket again;
  require(rtp::parse_rtp(packet, again) == rtp::RtpStatus::Ok);
  require(rtp::header_fields(again) == fields);
  require(again.payload_offset == p.payload_offset && again.payload_bytes == p.payload_bytes &&
          again.padding_bytes == p.padding_bytes);
  require(std::memcmp(copy.data() + rtp::kRtpHeaderBytes, data.data() + rtp::kRtpHeaderBytes,
                      data.size() - rtp::kRtpHeaderBytes) == 0);
}

void fuzz_rtcp(std::span<const std::uint8_t> data, rtp::RtcpRules rules) {
  rtp::RtcpCompound compound;
  if (rtp::parse_rtcp(data, compound, rules) != rtp::RtcpStatus::Ok) return;
  std::size_t total = 0;
  std::array<std::uint8_t, rtp::kMaxRtcpPacketBytes> out{};
  for (const rtp::RtcpPart& part : compound) {
    total += part.bytes().size();
    require(part.body().size() + rtp::kRtcpHeaderBytes <= part.bytes().size());
    (void)rtp::rtcp_sender_ssrc(part);
    std::array<rtp::RtcpReportBlock, rtp::kRtcpMaxReportBlocks> blocks{};
    const std::size_t n = rtp::report_count(part);
    require(n <= part.count());
    for (std::size_t i = 0; i < n; ++i) blocks[i] = rtp::report_block(part, i);
    rtp::RtcpSenderInfo info;
    rtp::RtcpWriter w(out);
    if (rtp::read_sender_info(part, info)) {
      w.sender_report(rtp::rtcp_sender_ssrc(part), info, std::span(blocks).first(n));
    } else if (part.is(rtp::RtcpType::Rr)) {
      w.receiver_report(rtp::rtcp_sender_ssrc(part), std::span(blocks).first(n));
    }
    if (w.size() != 0) {  // the rebuilt report parses and reads back the same blocks
      rtp::RtcpCompound rebuilt;
      require(rtp::parse_rtcp(w.bytes(), rebuilt) == rtp::RtcpStatus::Ok);
      const rtp::RtcpPart first = *rebuilt.begin();
      for (std::size_t i = 0; i < n; ++i) {
        require(rtp::report_block(first, i) == blocks[i]);  // parsed values fit 24 bits
      }
    }
    std::size_t items = 0;
    rtp::for_each_sdes_item(part, [&](std::uint32_t, std::uint8_t type, std::string_view v) {
      require(type != 0 && v.size() <= 255);
      ++items;
    });
    for (std::size_t i = 0; i < rtp::bye_count(part); ++i) (void)rtp::bye_ssrc(part, i);
    require(rtp::bye_reason(part).size() <= part.body().size());
    rtp::RtcpApp app;
    if (rtp::read_app(part, app)) require(app.data.size() + 8 == part.body().size());
  }
  require(total == data.size());
}

// The input as a sequence of 12-byte headers arriving 0-255 ms apart (the byte after each
// header), through the receive statistics and the rewriter, with a switch now and then.
void fuzz_streams(std::span<const std::uint8_t> data) {
  rtp::RtpReceiverStats stats(data.size() % 2 == 0 ? 8000 : 48000);
  rtp::StreamRewriter rewriter(0x5EED, 1, 1, 8000);
  rtp::RtpSenderStats sent;
  std::uint64_t now = 0;
  for (std::size_t at = 0; at + 13 <= data.size(); at += 13) {
    std::array<std::uint8_t, rtp::kRtpHeaderBytes> header{};
    std::memcpy(header.data(), data.data() + at, header.size());
    header[0] = 0x80;  // version 2, no CSRC, extension or padding: a bare 12-byte header
    rtp::RtpPacket p;
    require(rtp::parse_rtp(header, p) == rtp::RtpStatus::Ok);
    const std::uint8_t gap = data[at + 12];
    now += std::uint64_t{gap} * 1'000'000;
    (void)stats.on_packet(p.ssrc, p.sequence, p.timestamp, now);
    if (gap == 0xFF) rewriter.switch_source();
    if (gap == 0xFE) rewriter.set_clock_rate(48000);
    if (rtp::sendable(rewriter.rewrite(header, p, now))) {
      rtp::RtpPacket out;
      require(rtp::parse_rtp(header, out) == rtp::RtpStatus::Ok && out.ssrc == 0x5EED);
      sent.on_sent(out.timestamp, 160, now);
    }
    if (gap == 0x80) stats.on_sender_report(now << 12, now);
  }
  const rtp::RtcpReportBlock block = stats.report_block(now);
  require(block.fraction_lost <= 255);
  (void)sent.sender_info(rtp::ntp_from_unix_ns(now), now, 8000);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  (void)rtp::classify_packet(bytes);
  fuzz_rtp(bytes);
  fuzz_rtcp(bytes, rtp::RtcpRules::Compound);
  fuzz_rtcp(bytes, rtp::RtcpRules::ReducedSize);
  fuzz_streams(bytes);
  return 0;
}
