#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "control/sdp/sdp_parse.hpp"
#include "sdp_test_support.hpp"

using namespace dialcore::control::sdp;
using dialcore::codecs::CodecId;
using dialcore::dataplane::AddressFamily;
using dialcore::dataplane::NetAddress;
using dialcore::test::sdp_fixture;

namespace {

const PayloadFormat& pt(const MediaDescription& m, int payload_type) {
  for (const auto& f : m.formats) {
    if (f.payload_type == payload_type) return f;
  }
  FAIL("payload type " << payload_type << " not found");
  throw;
}

std::string body(const std::string& media_part,
                 const std::string& session_c = "c=IN IP4 192.0.2.1\r\n") {
  return "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n" + session_c + "t=0 0\r\n" + media_part;
}

}  // namespace

TEST_CASE("sipp's default offer: one PCMU stream", "[parse]") {
  const auto r = parse_sdp(sdp_fixture("sipp_uac_offer.sdp"));
  REQUIRE(r.ok());
  CHECK(r.description.origin.username == "user1");
  CHECK(r.description.origin.session_id == 53655765);
  CHECK(r.description.origin.version == 2353687637);
  REQUIRE(r.description.media.size() == 1);
  const auto& m = r.description.media[0];
  CHECK(m.media == "audio");
  CHECK(m.profile == MediaProfile::Avp);
  CHECK(m.connection == NetAddress::v4(127, 0, 0, 1, 6000));
  CHECK(m.direction == Direction::SendRecv);
  CHECK_FALSE(m.refused);
  REQUIRE(m.formats.size() == 1);
  CHECK(m.formats[0].codec->id == CodecId::Pcmu);
  CHECK(m.ptime_ms == 0);
  CHECK_FALSE(m.rtcp);
  CHECK_FALSE(m.rtcp_mux);
}

TEST_CASE("a baresip SAVP offer: opus, G.711, events, rtcp-mux and four crypto lines", "[parse]") {
  const auto r = parse_sdp(sdp_fixture("baresip_savp_offer.sdp"));
  REQUIRE(r.ok());
  const auto& m = r.description.media.at(0);
  CHECK(m.profile == MediaProfile::Savp);
  CHECK(m.proto == "RTP/SAVP");
  CHECK(m.format_tokens == std::vector<std::string>{"96", "0", "8", "101"});
  CHECK(pt(m, 96).codec->id == CodecId::Opus);
  CHECK(pt(m, 96).channels == 2);
  CHECK(pt(m, 96).fmtp == "stereo=1;sprop-stereo=1");
  CHECK(pt(m, 101).codec->id == CodecId::TelephoneEvent);
  CHECK(pt(m, 101).codec->event_mask == 0xFFFF);
  CHECK(m.ptime_ms == 20);
  CHECK(m.rtcp_mux);
  REQUIRE(m.crypto.size() == 3);  // AEAD_AES_256_GCM is refused, the others kept in order
  CHECK(m.crypto[0].tag == 1);
  CHECK(m.crypto[0].key.suite == SrtpSuite::AesCm128HmacSha1_32);
  CHECK(m.crypto[1].key.suite == SrtpSuite::AesCm128HmacSha1_80);
  CHECK(m.crypto[2].tag == 4);
  CHECK(m.crypto[2].key.suite == SrtpSuite::AeadAes128Gcm);
  REQUIRE(m.crypto_refused.size() == 1);
  CHECK(m.crypto_refused[0].find("AEAD_AES_256_GCM") != std::string::npos);
}

TEST_CASE("a Linphone offer: static G.729 without rtpmap, three event clocks, video kept refused",
          "[parse]") {
  const auto r = parse_sdp(sdp_fixture("linphone_offer.sdp"));
  REQUIRE(r.ok());
  REQUIRE(r.description.media.size() == 2);
  const auto& a = r.description.media[0];
  CHECK(a.formats.size() == 9);
  CHECK(pt(a, 18).encoding == "G729");  // static PT named by RFC 3551
  CHECK(pt(a, 18).codec->annexb);
  CHECK_FALSE(pt(a, 97).codec);  // speex: not ours
  CHECK(pt(a, 101).codec->rtp_clock_hz == 48000);
  CHECK(pt(a, 100).codec->rtp_clock_hz == 8000);
  const auto& v = r.description.media[1];
  CHECK(v.media == "video");
  REQUIRE(v.refused);
  CHECK(v.refused->warning == SipWarning::MediaTypeNotAvailable);
  CHECK(v.format_tokens == std::vector<std::string>{"96", "97"});
}

TEST_CASE("an IPv6 offer with a=rtcp naming its own address", "[parse]") {
  const auto r = parse_sdp(sdp_fixture("ipv6_offer.sdp"));
  REQUIRE(r.ok());
  const auto& m = r.description.media.at(0);
  CHECK(m.connection.family == AddressFamily::V6);
  CHECK(m.connection.port == 40000);
  CHECK(m.connection.bytes[0] == 0x20);
  CHECK(m.connection.bytes[15] == 0x10);
  CHECK(r.description.origin.ipv6);
  REQUIRE(m.rtcp);
  CHECK(m.rtcp->port == 40001);
  CHECK(m.rtcp->bytes[15] == 0x11);
  CHECK(pt(m, 101).codec->event_mask == 0xFFFF);  // 0-16: 16 (flash) is beyond DTMF
}

TEST_CASE("a carrier offer: G.729 annexb=no, media-level c= wins, ptime and maxptime", "[parse]") {
  const auto r = parse_sdp(sdp_fixture("carrier_g729_offer.sdp"));
  REQUIRE(r.ok());
  const auto& m = r.description.media.at(0);
  CHECK(m.connection == NetAddress::v4(198, 51, 100, 8, 16434));
  CHECK(pt(m, 18).codec->id == CodecId::G729);
  CHECK_FALSE(pt(m, 18).codec->annexb);
  CHECK_FALSE(pt(m, 19).codec);  // CN
  CHECK(m.ptime_ms == 20);
  CHECK(m.maxptime_ms == 40);
}

TEST_CASE("direction: session-level default, media-level override", "[parse]") {
  auto r = parse_sdp(
      body("a=sendonly\r\nm=audio 4000 RTP/AVP 0\r\nm=audio 4002 RTP/AVP 0\r\na=inactive\r\n"));
  REQUIRE(r.ok());
  CHECK(r.description.media[0].direction == Direction::SendOnly);
  CHECK(r.description.media[1].direction == Direction::Inactive);
  r = parse_sdp(body("m=audio 4000 RTP/AVP 0\r\na=recvonly\r\n"));
  CHECK(r.description.media[0].direction == Direction::RecvOnly);
  r = parse_sdp(body("m=audio 4000 RTP/AVP 0\r\n", "c=IN IP4 0.0.0.0\r\n"));
  CHECK(r.description.media[0].hold_address);
  CHECK(r.description.media[0].direction == Direction::SendRecv);
}

TEST_CASE("unusable media lines are refused one by one with a reason", "[parse]") {
  const std::pair<std::string, SipWarning> cases[] = {
      {body("m=audio 4000 RTP/AVP 0\r\n", "c=IN IP4 pbx.example.com\r\n"),
       SipWarning::IncompatibleNetworkAddress},
      {body("m=audio 4000 RTP/AVP 0\r\n", "c=IN IP4 233.252.0.1/127\r\n"),
       SipWarning::IncompatibleNetworkAddress},
      {body("m=audio 4000 RTP/AVP 0\r\n", "c=IN IP4 999.1.1.1\r\n"),
       SipWarning::IncompatibleNetworkAddress},
      {body("m=audio 4000 RTP/AVPF 0\r\n"), SipWarning::IncompatibleTransport},
      {body("m=audio 4000 UDP/TLS/RTP/SAVPF 0\r\n"), SipWarning::IncompatibleTransport},
      {body("m=audio 4000/2 RTP/AVP 0\r\n"), SipWarning::IncompatibleTransport},
      {body("m=image 4000 udptl t38\r\n"), SipWarning::MediaTypeNotAvailable},
  };
  for (const auto& [text, warning] : cases) {
    INFO(text);
    const auto r = parse_sdp(text);
    REQUIRE(r.ok());
    REQUIRE(r.description.media.at(0).refused);
    CHECK(r.description.media[0].refused->warning == warning);
  }
}

TEST_CASE("malformed bodies are 400s, never crashes", "[parse][malformed]") {
  const std::string good = body("m=audio 4000 RTP/AVP 0 8\r\na=rtpmap:8 PCMA/8000\r\n");
  const std::string bad[] = {
      "",
      "v=0\r\n",
      good.substr(0, good.size() / 2),      // truncated mid-body
      good.substr(0, good.find("m=") + 9),  // truncated m= line
      body(""),                             // no m= line
      body("m=audio 70000 RTP/AVP 0\r\n"),  // port out of range
      body("m=audio -1 RTP/AVP 0\r\n"),
      body("m=audio 4000 RTP/AVP 128\r\n"),                             // PT beyond 127
      body("m=audio 4000 RTP/AVP 99999999999999999999\r\n"),            // huge PT
      body("m=audio 4000 RTP/AVP\r\n"),                                 // no formats
      body("m=audio 4000 RTP/AVP 0\r\n", ""),                           // no c= anywhere
      "o=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\n",  // no v=
      std::string("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\0\r\n", 35),    // NUL inside
      // sofia-sip loops forever on this m= line (found by sdp_parse_fuzz): refused before it
      body("m=audio 4000 RTP/SA\xff\xffVP 0\r\n"),
      body("m=audio 4000 X\xc3\xa9 0\r\n"),
      body("m=audiom= 4000 RTP/AVP 0\r\n"),  // also loops in sofia
      body("m=audio  4000 RTP/AVP 0\r\n"),
  };
  for (const auto& text : bad) {
    INFO(text);
    const auto r = parse_sdp(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure->sip_status == 400);
    CHECK_FALSE(r.failure->text.empty());
  }
}

TEST_CASE("a 64 KiB body and random bytes are refused cleanly", "[parse][malformed]") {
  std::string big = body("m=audio 4000 RTP/AVP 0\r\n");
  while (big.size() < 64 * 1024) big += "a=x-filler:0123456789abcdef0123456789abcdef\r\n";
  auto r = parse_sdp(big);
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure->text == "SDP body too large");

  std::mt19937 rng(7);
  int refused = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 600, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    if (i % 2 == 0) junk = body("m=audio 4000 RTP/AVP 0\r\n").substr(0, rng() % 60) + junk;
    refused += parse_sdp(junk).ok() ? 0 : 1;
  }
  CHECK(refused > 1900);  // random bytes are almost never an SDP body with an m= line
}

TEST_CASE("more m= lines than we read are refused", "[parse][malformed]") {
  std::string media;
  for (std::size_t i = 0; i <= kMaxMediaLines; ++i)
    media += "m=audio " + std::to_string(4000 + 2 * i) + " RTP/AVP 0\r\n";
  const auto r = parse_sdp(body(media));
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure->text.find("m= lines") != std::string::npos);
}
