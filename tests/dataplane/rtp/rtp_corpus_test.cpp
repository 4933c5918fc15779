#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dataplane/rtp/packet_kind.hpp"
#include "dataplane/rtp/rtcp_packet.hpp"
#include "dataplane/rtp/rtp_packet.hpp"

// The fuzzer's seed corpus (tests/fuzz/corpus/rtp_parse/, written by
// tests/fuzz/make_rtp_corpus.py, an encoder independent of ours) doubles as a set of test
// vectors: each file's name says what the parsers must answer, so every seed is known to reach
// the branch it is named after.

using namespace dialcore::dataplane::rtp;
namespace fs = std::filesystem;

namespace {

std::string_view kind_name(PacketKind k) {
  switch (k) {
    case PacketKind::Rtp: return "rtp";
    case PacketKind::Rtcp: return "rtcp";
    case PacketKind::Stun: return "stun";
    case PacketKind::Dtls: return "dtls";
    case PacketKind::Other: return "other";
  }
  return "?";
}

}  // namespace

TEST_CASE("every seed of the fuzz corpus gets the answer its name gives", "[rtp][rtcp][corpus]") {
  std::size_t files = 0;
  std::size_t rtp_ok = 0;
  std::size_t rtcp_ok = 0;
  for (const auto& entry : fs::directory_iterator(DIALCORE_RTP_CORPUS_DIR)) {
    const std::string name = entry.path().stem().string();
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    const auto dash = name.find('-');
    const auto dash2 = name.find('-', dash + 1);
    REQUIRE(dash != std::string::npos);
    const std::string proto = name.substr(0, dash);
    const std::string expect = name.substr(dash + 1, dash2 - dash - 1);
    INFO(name);
    ++files;
    if (proto == "rtp") {
      RtpPacket p;
      const RtpStatus st = parse_rtp(bytes, p);
      CHECK(to_string(st) == expect);
      if (st == RtpStatus::Ok) {
        ++rtp_ok;
        CHECK(classify_packet(bytes) == PacketKind::Rtp);
      }
    } else if (proto == "rtcp") {
      RtcpCompound c;
      const RtcpStatus st = parse_rtcp(bytes, c);
      CHECK(to_string(st) == expect);
      if (st == RtcpStatus::Ok) {
        ++rtcp_ok;
        CHECK(classify_packet(bytes) == PacketKind::Rtcp);
      }
    } else {
      REQUIRE(proto == "kind");
      CHECK(kind_name(classify_packet(bytes)) == expect);
    }
  }
  CHECK(files >= 25);
  CHECK(rtp_ok >= 5);
  CHECK(rtcp_ok >= 4);
}
