#include <catch2/catch.hpp>

#include <string>

#include "control/sdp/sdp_answer.hpp"
#include "control/sdp/sdp_parse.hpp"
#include "sdp_test_support.hpp"

using namespace dialcore::control::sdp;
using dialcore::codecs::CodecId;
using dialcore::dataplane::NetAddress;
using dialcore::test::local_v4;
using dialcore::test::sdp_fixture;
using dialcore::test::sofia_strict_error;

namespace {

SdpSession session() { return SdpSession(4242, 1, NetAddress::v4(203, 0, 113, 5, 0)); }

// Answers, then proves the answer is valid SDP (sofia strict) and returns our parse of it.
SessionDescription answered(const std::string& offer, const LocalMedia& local, AnswerResult& r) {
  SdpSession s = session();
  r = answer(offer, local, s);
  REQUIRE(r.ok());
  INFO(r.sdp);
  CHECK(sofia_strict_error(r.sdp).empty());
  const auto back = parse_sdp(r.sdp);
  REQUIRE(back.ok());
  return back.description;
}

std::string body(const std::string& media, const std::string& c = "c=IN IP4 192.0.2.1\r\n") {
  return "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n" + c + "t=0 0\r\n" + media;
}

}  // namespace

TEST_CASE("answering sipp: PCMU, our address and port, sendrecv", "[answer]") {
  AnswerResult r;
  const auto a = answered(sdp_fixture("sipp_uac_offer.sdp"), local_v4(30000), r);
  REQUIRE(a.media.size() == 1);
  CHECK(a.media[0].connection == NetAddress::v4(203, 0, 113, 5, 30000));
  CHECK(a.media[0].proto == "RTP/AVP");
  CHECK(a.media[0].format_tokens == std::vector<std::string>{"0"});
  CHECK(a.media[0].direction == Direction::SendRecv);
  CHECK(a.media[0].ptime_ms == 20);
  CHECK(a.origin.session_id == 4242);
  CHECK(a.origin.version == 1);
  CHECK(r.media.codec.format.id == CodecId::Pcmu);
  CHECK(r.media.codec.payload_type == 0);
  CHECK(r.media.codec.ptime_ms == 20);
  CHECK_FALSE(r.media.telephone_event);  // sipp offers none
  CHECK(r.media.remote_rtp == NetAddress::v4(127, 0, 0, 1, 6000));
  CHECK(r.media.remote_rtcp.empty());
  CHECK_FALSE(r.media.srtp());
  CHECK(r.media.direction == Direction::SendRecv);
}

TEST_CASE("answering baresip's SAVP offer with SRTP optional: PCMU + events, first usable crypto",
          "[answer][srtp]") {
  auto local = local_v4();
  local.srtp = SrtpPolicy::Optional;
  AnswerResult r;
  const auto a = answered(sdp_fixture("baresip_savp_offer.sdp"), local, r);
  const auto& m = a.media.at(0);
  CHECK(m.proto == "RTP/SAVP");
  CHECK(m.format_tokens == std::vector<std::string>{"0", "101"});  // ours first, PTs kept
  CHECK(m.rtcp_mux);
  REQUIRE(m.crypto.size() == 1);
  CHECK(m.crypto[0].tag == 1);  // baresip's first line is the 32-bit suite, which we support
  CHECK(m.crypto[0].key.suite == SrtpSuite::AesCm128HmacSha1_32);
  CHECK(m.crypto[0].key.master_key[0] == 0xA0);  // our key from the caller's bytes
  CHECK(r.media.srtp());
  CHECK(r.media.local_key == m.crypto[0].key);
  CHECK(r.media.remote_key.suite == SrtpSuite::AesCm128HmacSha1_32);
  CHECK(r.media.remote_key.master_key[0] == 0x68);  // "aMB1" -> 0x68 0xC0 0x75
  CHECK(r.media.telephone_event->payload_type == 101);
  CHECK(r.media.rtcp_mux);
}

TEST_CASE("the answer chooses our first preference present in the offer", "[answer]") {
  auto local = local_v4();
  local.codecs = {CodecId::G729, CodecId::Pcma, CodecId::TelephoneEvent};
  AnswerResult r;
  auto a = answered(sdp_fixture("carrier_g729_offer.sdp"), local, r);
  CHECK(r.media.codec.format.id == CodecId::G729);
  CHECK_FALSE(r.media.codec.format.annexb);
  CHECK(r.media.remote_rtp == NetAddress::v4(198, 51, 100, 8, 16434));
  REQUIRE(a.media[0].formats.size() == 2);
  CHECK(a.media[0].formats[0].fmtp == "annexb=no");  // mirrors the carrier's annexb
  CHECK(a.media[0].formats[1].encoding == "telephone-event");

  local.codecs = {CodecId::Pcma, CodecId::Pcmu};
  a = answered(sdp_fixture("carrier_g729_offer.sdp"), local, r);
  CHECK(r.media.codec.payload_type == 8);
  CHECK_FALSE(r.media.telephone_event);  // we did not list telephone-event
  CHECK(a.media[0].format_tokens == std::vector<std::string>{"8"});
}

TEST_CASE("answering Linphone: the video stream is rejected with port 0, events at the codec clock",
          "[answer]") {
  auto local = local_v4();
  local.codecs = {CodecId::Opus, CodecId::Pcmu, CodecId::TelephoneEvent};
  AnswerResult r;
  const auto a = answered(sdp_fixture("linphone_offer.sdp"), local, r);
  REQUIRE(a.media.size() == 2);
  CHECK(a.media[1].media == "video");
  CHECK(a.media[1].port == 0);
  CHECK(r.media.codec.format.id == CodecId::Opus);
  CHECK(r.media.codec.payload_type == 96);
  CHECK(r.media.codec.format.inband_fec);
  REQUIRE(r.media.telephone_event);
  CHECK(r.media.telephone_event->payload_type == 101);  // telephone-event/48000 goes with opus
  CHECK(a.media[0].formats[0].channels == 2);

  local.codecs = {CodecId::Pcmu, CodecId::TelephoneEvent};
  answered(sdp_fixture("linphone_offer.sdp"), local, r);
  CHECK(r.media.telephone_event->payload_type == 100);  // the 8000 Hz one goes with PCMU
}

TEST_CASE("answering IPv6: our IPv6 address, their RTCP address", "[answer]") {
  auto local = local_v4();
  local.address =
      NetAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99}, 31000);
  SdpSession s(1, 1, local.address);
  const auto r = answer(sdp_fixture("ipv6_offer.sdp"), local, s);
  REQUIRE(r.ok());
  CHECK(sofia_strict_error(r.sdp).empty());
  CHECK(r.sdp.find("c=IN IP6 2001:db8::99\r\n") != std::string::npos);
  CHECK(r.sdp.find("o=dialcore 1 1 IN IP6 2001:db8::99\r\n") != std::string::npos);
  CHECK(r.sdp.find("m=audio 31000 RTP/AVP 0 101\r\n") != std::string::npos);
  CHECK(r.media.remote_rtcp.port == 40001);
  CHECK(r.media.remote_rtcp.bytes[15] == 0x11);
}

TEST_CASE("hold and resume directions in the answer", "[answer][hold]") {
  const std::pair<std::string, Direction> cases[] = {
      {"a=sendonly\r\n", Direction::RecvOnly},
      {"a=recvonly\r\n", Direction::SendOnly},
      {"a=inactive\r\n", Direction::Inactive},
      {"a=sendrecv\r\n", Direction::SendRecv},
      {"", Direction::SendRecv},
  };
  for (const auto& [attr, expected] : cases) {
    INFO(attr);
    AnswerResult r;
    const auto a = answered(body("m=audio 4000 RTP/AVP 0\r\n" + attr), local_v4(), r);
    CHECK(a.media[0].direction == expected);
    CHECK(r.media.direction == expected);
  }
  // RFC 2543 hold: c=0.0.0.0 means "do not send to me"; we answer recvonly and do not send.
  AnswerResult r;
  const auto a =
      answered(body("m=audio 4000 RTP/AVP 0\r\n", "c=IN IP4 0.0.0.0\r\n"), local_v4(), r);
  CHECK(a.media[0].direction == Direction::RecvOnly);
  CHECK(r.media.direction == Direction::RecvOnly);
  CHECK(to_hold(r.media).on);
  // We hold the peer ourselves: sendonly from our side is kept in the answer.
  auto local = local_v4();
  local.direction = Direction::SendOnly;
  answered(body("m=audio 4000 RTP/AVP 0\r\n"), local, r);
  CHECK(r.media.direction == Direction::SendOnly);
}

TEST_CASE("SRTP policy decides between plain and SAVP offers", "[answer][srtp]") {
  const std::string crypto =
      "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\r\n";
  const std::string avp = body("m=audio 4000 RTP/AVP 0\r\n");
  const std::string avp_crypto = body("m=audio 4000 RTP/AVP 0\r\n" + crypto);
  const std::string savp = body("m=audio 4000 RTP/SAVP 0\r\n" + crypto);
  const std::string savp_bare = body("m=audio 4000 RTP/SAVP 0\r\n");
  struct Case {
    SrtpPolicy policy;
    const std::string* offer;
    int status;  // 0: answered
    bool srtp;
  };
  const Case cases[] = {
      {SrtpPolicy::Off, &avp, 0, false},
      {SrtpPolicy::Off, &avp_crypto, 0, false},
      {SrtpPolicy::Off, &savp, 488, false},
      {SrtpPolicy::Optional, &avp, 0, false},
      {SrtpPolicy::Optional, &avp_crypto, 0, true},
      {SrtpPolicy::Optional, &savp, 0, true},
      {SrtpPolicy::Optional, &savp_bare, 488, false},
      {SrtpPolicy::Required, &avp, 488, false},
      {SrtpPolicy::Required, &avp_crypto, 0, true},
      {SrtpPolicy::Required, &savp, 0, true},
  };
  for (const auto& c : cases) {
    INFO("policy " << static_cast<int>(c.policy) << "\n" << *c.offer);
    auto local = local_v4();
    local.srtp = c.policy;
    SdpSession s = session();
    const auto r = answer(*c.offer, local, s);
    if (c.status != 0) {
      REQUIRE_FALSE(r.ok());
      CHECK(r.failure->sip_status == c.status);
      continue;
    }
    REQUIRE(r.ok());
    CHECK(sofia_strict_error(r.sdp).empty());
    CHECK(r.media.srtp() == c.srtp);
    CHECK((r.sdp.find("a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:") != std::string::npos) ==
          c.srtp);
    CHECK(r.sdp.find(c.offer->find("SAVP") != std::string::npos ? "RTP/SAVP" : "RTP/AVP") !=
          std::string::npos);
  }
}

TEST_CASE("every failure reason maps to its status and warning", "[answer][failure]") {
  auto gcm_only = local_v4();
  gcm_only.srtp = SrtpPolicy::Required;
  gcm_only.srtp_suites = {SrtpSuite::AeadAes128Gcm};
  auto required = local_v4();
  required.srtp = SrtpPolicy::Required;
  auto off = local_v4();
  auto no_key = local_v4();
  no_key.srtp = SrtpPolicy::Required;
  no_key.srtp_key_material = {};
  const std::string crypto80 =
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\r\n";
  struct Case {
    std::string offer;
    LocalMedia local;
    int status;
    SipWarning warning;
    std::string text;
  };
  const Case cases[] = {
      {"v=0\r\nbroken", off, 400, SipWarning::Miscellaneous, "SDP"},
      {body("m=audio 4000 RTP/AVP 9 97\r\na=rtpmap:97 speex/8000\r\n"), off, 488,
       SipWarning::IncompatibleMediaFormat, "no common codec (offered: G722 speex)"},
      {body("m=video 4000 RTP/AVP 31\r\n"), off, 488, SipWarning::MediaTypeNotAvailable,
       "media type video"},
      {body("m=audio 0 RTP/AVP 0\r\n"), off, 488, SipWarning::MediaTypeNotAvailable,
       "no audio stream"},
      {body("m=audio 4000 RTP/SAVP 0\r\n" + crypto80), off, 488, SipWarning::IncompatibleTransport,
       "SRTP is off"},
      {body("m=audio 4000 RTP/AVP 0\r\n"), required, 488, SipWarning::IncompatibleTransport,
       "SRTP is required"},
      {body("m=audio 4000 RTP/SAVP 0\r\n" + crypto80), gcm_only, 488,
       SipWarning::AttributeNotUnderstood, "no usable a=crypto"},
      {body("m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAEC\r\n"),
       required, 488, SipWarning::AttributeNotUnderstood, "must be 30"},
      {body("m=audio 4000 RTP/SAVP 0\r\n" + crypto80), no_key, 500, SipWarning::Miscellaneous,
       "no local SRTP key"},
      {body("m=audio 4000 RTP/AVP 0\r\n", "c=IN IP4 pbx.example.com\r\n"), off, 488,
       SipWarning::IncompatibleNetworkAddress, "not an IP literal"},
      {body("m=audio 4000 RTP/AVPF 0\r\n"), off, 488, SipWarning::IncompatibleTransport,
       "RTP/AVPF"},
  };
  for (const auto& c : cases) {
    INFO(c.offer);
    SdpSession s = session();
    const auto r = answer(c.offer, c.local, s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.sdp.empty());
    CHECK(r.failure->sip_status == c.status);
    CHECK(r.failure->warning == c.warning);
    CHECK_THAT(r.failure->text, Catch::Contains(c.text));
  }
  const SdpFailure f{488, SipWarning::IncompatibleMediaFormat, "no \"common\" codec"};
  CHECK(f.warning_header("sbc.example") == "305 sbc.example \"no 'common' codec\"");
}

TEST_CASE("ptime: theirs when the codec can packetise it, else ours", "[answer]") {
  const std::pair<std::string, int> cases[] = {
      {"a=ptime:30\r\n", 30},
      {"a=ptime:25\r\n", 20},
      {"", 20},
      {"a=ptime:40\r\na=maxptime:30\r\n", 20},
      {"a=ptime:200\r\n", 20},
      {"a=ptime:abc\r\n", 20},
  };
  for (const auto& [attr, ptime] : cases) {
    INFO(attr);
    AnswerResult r;
    answered(body("m=audio 4000 RTP/AVP 8\r\n" + attr), local_v4(), r);
    CHECK(r.media.codec.ptime_ms == ptime);
  }
}

TEST_CASE("a second audio stream is rejected, the first unusable one does not sink the call",
          "[answer]") {
  AnswerResult r;
  const auto a = answered(
      body("m=audio 4000 RTP/AVP 9\r\nm=audio 4002 RTP/AVP 8\r\nm=audio 4004 RTP/AVP 0\r\n"),
      local_v4(), r);
  REQUIRE(a.media.size() == 3);
  CHECK(a.media[0].port == 0);
  CHECK(a.media[1].port == 30000);
  CHECK(a.media[2].port == 0);
  CHECK(r.media.codec.payload_type == 8);
  CHECK(r.media.remote_rtp.port == 4002);
}

TEST_CASE("static payload types without rtpmap are understood and answered with one", "[answer]") {
  auto local = local_v4();
  local.codecs = {CodecId::G729, CodecId::Pcmu};
  AnswerResult r;
  const auto a = answered(body("m=audio 4000 RTP/AVP 8 0 18\r\n"), local, r);
  CHECK(r.media.codec.payload_type == 18);
  CHECK(r.media.codec.format.annexb);  // RFC 4856: absent annexb means yes
  REQUIRE(a.media[0].formats.size() == 1);
  CHECK(a.media[0].formats[0].encoding == "G729");
  CHECK(a.media[0].formats[0].fmtp == "annexb=yes");
}

TEST_CASE("the strict sofia check used on our answers rejects broken SDP", "[answer]") {
  // The judge can fail: a body without o= or with a bad m= line is reported.
  CHECK_FALSE(
      sofia_strict_error("v=0\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n")
          .empty());
  CHECK_FALSE(sofia_strict_error(body("m=audio 4000 RTP/AVP 300\r\n")).empty());
  CHECK(sofia_strict_error(body("m=audio 4000 RTP/AVP 0\r\n")).empty());
}
