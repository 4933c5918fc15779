#include <catch2/catch.hpp>

#include <string>

#include "control/sdp/sdp_answer.hpp"
#include "control/sdp/sdp_offer.hpp"
#include "control/sdp/sdp_parse.hpp"
#include "sdp_test_support.hpp"

using namespace dialcore::control::sdp;
using dialcore::codecs::CodecId;
using dialcore::dataplane::NetAddress;
using dialcore::test::local_v4;
using dialcore::test::sofia_strict_error;

namespace {

SdpSession our_session() { return SdpSession(777, 10, NetAddress::v4(203, 0, 113, 5, 0)); }

// The answer a peer writes to our offer, built by our own answerer on the far side.
std::string peer_answer(const std::string& offer_sdp, LocalMedia peer) {
  SdpSession s(99, 1, peer.address);
  const auto r = answer(offer_sdp, peer, s);
  REQUIRE(r.ok());
  return r.sdp;
}

std::string swap(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("our offer lists our codecs with static and dynamic PTs, events, ptime, mux", "[offer]") {
  auto local = local_v4(32000);
  local.codecs = {CodecId::Opus, CodecId::Pcmu, CodecId::G729, CodecId::TelephoneEvent};
  SdpSession s = our_session();
  const auto o = offer(local, s);
  INFO(o.sdp);
  CHECK(sofia_strict_error(o.sdp).empty());
  CHECK(o.sdp.find("m=audio 32000 RTP/AVP 96 0 18 101 102\r\n") != std::string::npos);
  CHECK(o.sdp.find("a=rtpmap:96 opus/48000/2\r\n") != std::string::npos);
  CHECK(o.sdp.find("a=fmtp:18 annexb=no\r\n") != std::string::npos);
  CHECK(o.sdp.find("a=rtpmap:102 telephone-event/48000\r\n") != std::string::npos);
  CHECK(o.sdp.find("a=fmtp:101 0-15\r\n") != std::string::npos);
  CHECK(o.sdp.find("a=ptime:20\r\na=rtcp-mux\r\n") != std::string::npos);
  CHECK(o.sdp.find("a=sendrecv\r\n") != std::string::npos);
  CHECK(o.sdp.find("a=crypto") == std::string::npos);
  CHECK(o.sdp.find("o=dialcore 777 10 IN IP4 203.0.113.5\r\n") != std::string::npos);
  const auto back = parse_sdp(o.sdp);
  REQUIRE(back.ok());
  CHECK(back.description.media[0].formats.size() == 5);
}

TEST_CASE("SRTP in our offer: required is SAVP, optional is AVP with crypto, one line per suite",
          "[offer][srtp]") {
  auto local = local_v4();
  local.srtp = SrtpPolicy::Required;
  SdpSession s = our_session();
  auto o = offer(local, s);
  CHECK(sofia_strict_error(o.sdp).empty());
  CHECK(o.sdp.find("RTP/SAVP") != std::string::npos);
  CHECK(o.sdp.find("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:") != std::string::npos);
  CHECK(o.sdp.find("a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:") != std::string::npos);
  CHECK(o.sdp.find("a=crypto:3 AEAD_AES_128_GCM inline:") != std::string::npos);
  local.srtp = SrtpPolicy::Optional;
  o = offer(local, s);
  CHECK(o.sdp.find("RTP/AVP ") != std::string::npos);
  CHECK(o.description.media[0].crypto.size() == 3);
  local.srtp_key_material = {};  // the caller forgot the key: no offer, never a zero key
  o = offer(local, s);
  REQUIRE_FALSE(o.ok());
  CHECK(o.sdp.empty());
  CHECK(o.failure->sip_status == 500);
  local.srtp = SrtpPolicy::Off;
  CHECK(offer(local, s).ok());
}

TEST_CASE("offer then answer: both sides agree on codec, PTs, addresses and keys",
          "[offer][srtp]") {
  auto us = local_v4(32000);
  us.srtp = SrtpPolicy::Required;
  auto peer = local_v4(40000);
  peer.address = NetAddress::v4(192, 0, 2, 50, 40000);
  peer.codecs = {CodecId::Pcma, CodecId::Pcmu, CodecId::TelephoneEvent};
  peer.srtp = SrtpPolicy::Optional;
  peer.srtp_suites = {SrtpSuite::AeadAes128Gcm, SrtpSuite::AesCm128HmacSha1_80};
  for (auto& b : peer.srtp_key_material) b = 0x55;
  SdpSession s = our_session();
  const auto o = offer(us, s);
  const std::string ans = peer_answer(o.sdp, peer);
  const auto n = accept_answer(o.description, ans, us);
  INFO(ans);
  REQUIRE(n.ok());
  CHECK(n.media.codec.format.id == CodecId::Pcma);  // the answerer's choice stands
  CHECK(n.media.codec.payload_type == 8);
  CHECK(n.media.telephone_event->payload_type == 101);
  CHECK(n.media.remote_rtp == NetAddress::v4(192, 0, 2, 50, 40000));
  CHECK(n.media.rtcp_mux);
  // The peer took our first line (tag 1, AES_CM_128_HMAC_SHA1_80): it picks the first
  // offered suite it supports, not its own first preference.
  CHECK(n.media.local_key.suite == SrtpSuite::AesCm128HmacSha1_80);
  CHECK(n.media.local_key.master_key[0] == 0xA0);
  CHECK(n.media.remote_key.master_key[0] == 0x55);
}

TEST_CASE("hold and resume by re-offer: directions and the o= version", "[offer][hold]") {
  auto us = local_v4();
  SdpSession s = our_session();
  const auto first = offer(us, s);
  CHECK(first.description.origin.version == 10);
  const auto same = offer(us, s);  // nothing changed: the version stays (RFC 3264 8)
  CHECK(same.description.origin.version == 10);
  CHECK(same.sdp == first.sdp);

  us.direction = Direction::SendOnly;  // hold
  const auto hold = offer(us, s);
  CHECK(hold.description.origin.version == 11);
  CHECK(hold.sdp.find("a=sendonly\r\n") != std::string::npos);
  auto peer = local_v4(40000);
  auto n = accept_answer(hold.description, peer_answer(hold.sdp, peer), us);
  REQUIRE(n.ok());
  CHECK(n.media.direction == Direction::SendOnly);
  CHECK_FALSE(to_hold(n.media).on);

  us.direction = Direction::Inactive;
  const auto inactive = offer(us, s);
  CHECK(inactive.description.origin.version == 12);
  n = accept_answer(inactive.description, peer_answer(inactive.sdp, peer), us);
  REQUIRE(n.ok());
  CHECK(n.media.direction == Direction::Inactive);
  CHECK(to_hold(n.media).on);

  us.direction = Direction::SendRecv;  // resume
  const auto resume = offer(us, s);
  CHECK(resume.description.origin.version == 13);
  CHECK(resume.description.origin.session_id == 777);
  n = accept_answer(resume.description, peer_answer(resume.sdp, peer), us);
  REQUIRE(n.ok());
  CHECK(n.media.direction == Direction::SendRecv);
}

TEST_CASE("the answer to our offer is checked against it", "[offer][failure]") {
  auto us = local_v4();
  us.codecs = {CodecId::Pcmu, CodecId::TelephoneEvent};
  auto srtp = us;
  srtp.srtp = SrtpPolicy::Required;
  SdpSession s = our_session();
  const auto plain = offer(us, s);
  SdpSession s2 = our_session();
  const auto secure = offer(srtp, s2);
  const std::string good = peer_answer(plain.sdp, local_v4(40000));
  auto peer_srtp = local_v4(40000);
  peer_srtp.srtp = SrtpPolicy::Required;
  const std::string good_secure = peer_answer(secure.sdp, peer_srtp);
  REQUIRE(accept_answer(plain.description, good, us).ok());
  REQUIRE(accept_answer(secure.description, good_secure, srtp).ok());

  struct Case {
    const OfferResult* ours;
    std::string answer;
    const LocalMedia* local;
    std::string text;
  };
  const Case cases[] = {
      {&plain, "garbage", &us, "SDP"},
      {&plain, swap(good, "m=audio 40000", "m=audio 0"), &us, "rejected our audio"},
      {&plain, swap(good, "RTP/AVP 0 101", "RTP/AVP 8 101"), &us,
       "payload type 8 (PCMA) we did not offer"},
      {&plain,
       swap(swap(good, "RTP/AVP 0 101", "RTP/AVP 0 101 96"), "a=ptime",
            "a=rtpmap:96 opus/48000/2\r\na=ptime"),
       &us, "payload type 96"},
      {&plain, swap(good, "RTP/AVP 0 101", "RTP/AVP 101"), &us, "no common codec"},
      {&plain, good + "m=video 0 RTP/AVP 31\r\n", &us, "2 m= lines"},
      {&secure, swap(good_secure, "RTP/SAVP", "RTP/AVP"), &srtp, "changed the transport"},
      {&secure, swap(good_secure, "a=crypto:1", "a=crypto:9"), &srtp, "tag 9"},
      {&secure,
       swap(good_secure, "a=crypto:1 AES_CM_128_HMAC_SHA1_80",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_32"),
       &srtp, "tag 1"},
      {&secure, swap(good_secure, "a=crypto:1", "a=x-crypto:1"), &srtp,
       "without a usable a=crypto"},
  };
  for (const auto& c : cases) {
    INFO(c.answer);
    const auto n = accept_answer(c.ours->description, c.answer, *c.local);
    REQUIRE_FALSE(n.ok());
    CHECK_THAT(n.failure->text, Catch::Contains(c.text));
  }
}

TEST_CASE("codec names from configuration map to the registry's ids", "[offer]") {
  CHECK(codec_from_name("PCMU") == CodecId::Pcmu);
  CHECK(codec_from_name("pcma") == CodecId::Pcma);
  CHECK(codec_from_name("G729") == CodecId::G729);
  CHECK(codec_from_name("opus") == CodecId::Opus);
  CHECK(codec_from_name("telephone-event") == CodecId::TelephoneEvent);
  CHECK_FALSE(codec_from_name("G722"));
}
