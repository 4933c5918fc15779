#include <catch2/catch.hpp>

#include "control/sdp/negotiated_media.hpp"
#include "control/sdp/sdp_answer.hpp"
#include "sdp_test_support.hpp"

using namespace dialcore::control::sdp;
using dialcore::codecs::CodecId;
using dialcore::dataplane::NetAddress;

TEST_CASE("a negotiated SRTP call becomes SetCodec, SetRemote, SetSrtp and Hold arguments",
          "[dataplane]") {
  auto local = dialcore::test::local_v4();
  local.srtp = SrtpPolicy::Required;
  SdpSession s(1, 1, local.address);
  const auto r = answer(dialcore::test::sdp_fixture("baresip_savp_offer.sdp"), local, s);
  REQUIRE(r.ok());

  const auto codec = to_set_codec(r.media);
  REQUIRE(codec.count == 2);
  CHECK(codec.send_index == 0);
  CHECK(codec.formats[0].format.id == CodecId::Pcmu);
  CHECK(codec.formats[0].payload_type == 0);
  CHECK(codec.formats[0].ptime_ms == 20);
  CHECK(codec.formats[1].format.id == CodecId::TelephoneEvent);
  CHECK(codec.formats[1].payload_type == 101);

  const auto remote = to_set_remote(r.media);
  CHECK(remote.rtp == NetAddress::v4(192, 0, 2, 10, 10998));
  CHECK(remote.rtcp.empty());
  CHECK(remote.rtcp_mux);
  CHECK(remote.latch);
  CHECK_FALSE(to_set_remote(r.media, false).latch);

  const auto srtp = to_set_srtp(r.media);
  REQUIRE(srtp);
  CHECK(srtp->rx == r.media.remote_key);
  CHECK(srtp->tx == r.media.local_key);
  CHECK(srtp->tx.suite == SrtpSuite::AesCm128HmacSha1_32);
  CHECK_FALSE(to_hold(r.media).on);

  NegotiatedMedia plain = r.media;
  plain.local_key = {};
  plain.direction = Direction::RecvOnly;
  CHECK_FALSE(to_set_srtp(plain));
  CHECK(to_hold(plain).on);
  plain.telephone_event.reset();
  CHECK(to_set_codec(plain).count == 1);
}
