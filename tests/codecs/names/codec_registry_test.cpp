#include <catch2/catch.hpp>

#include "codecs/names/codec_registry.hpp"

using namespace dialcore::codecs;

TEST_CASE("static payload types and rtpmap round trip", "[registry]") {
  for (const CodecInfo& info : all_codecs()) {
    const std::uint32_t clock = info.rtp_clock_hz != 0 ? info.rtp_clock_hz : 16000;
    const RegistryResult r = from_sdp(info.sdp_name, clock, 0, "");
    REQUIRE(r.ok());
    CHECK(r.format.id == info.id);
    CHECK(rtpmap(r.format).rfind(std::string(info.sdp_name) + "/", 0) == 0);
    CHECK(static_payload_type(r.format) == info.static_payload_type);
  }
  CHECK(rtpmap(default_format(CodecId::Opus)) == "opus/48000/2");
  CHECK(rtpmap(default_format(CodecId::Pcmu)) == "PCMU/8000");
  CHECK(rtpmap(default_format(CodecId::L16, 16000)) == "L16/16000");
  CHECK(codec_info(CodecId::TelephoneEvent).kind == PayloadKind::Event);
}

TEST_CASE("encoding names are case-insensitive, unknown ones are refused", "[registry]") {
  CHECK(from_sdp("pcmu", 8000, 1, "").format.id == CodecId::Pcmu);
  CHECK(from_sdp("OPUS", 48000, 2, "").format.id == CodecId::Opus);
  CHECK(from_sdp("G722", 8000, 1, "").error == RegistryError::UnknownEncoding);
  CHECK(from_sdp("PCMU", 16000, 1, "").error == RegistryError::BadClockRate);
  CHECK(from_sdp("opus", 48000, 1, "").error == RegistryError::BadChannels);
  CHECK(from_sdp("L16", 44100, 1, "").error == RegistryError::BadClockRate);
}

TEST_CASE("G.729 annexb follows RFC 4856: absent means yes, we offer no", "[registry]") {
  CHECK(from_sdp("G729", 8000, 0, "").format.annexb);
  CHECK_FALSE(from_sdp("G729", 8000, 0, "annexb=no").format.annexb);
  CHECK(from_sdp("G729", 8000, 0, " annexb = yes ").format.annexb);
  CHECK(from_sdp("G729", 8000, 0, "annexb=maybe").error == RegistryError::BadFmtp);
  const CodecFormat ours = default_format(CodecId::G729);
  CHECK_FALSE(ours.annexb);
  CHECK(fmtp(ours) == "annexb=no");
}

TEST_CASE("Opus fmtp (RFC 7587) sets the PCM rate, FEC, DTX and bit rate", "[registry]") {
  const auto nb = from_sdp("opus", 48000, 2, "maxplaybackrate=8000;useinbandfec=1;usedtx=1");
  REQUIRE(nb.ok());
  CHECK(nb.format.sample_rate_hz == 8000);
  CHECK(nb.format.max_playback_rate_hz == 8000);
  CHECK(nb.format.inband_fec);
  CHECK(nb.format.dtx);
  CHECK(nb.format.frame_ms == 20);
  CHECK(nb.format.rtp_clock_hz == 48000);

  const auto wb = from_sdp("opus", 48000, 2, "maxplaybackrate=24000; stereo=1; sprop-stereo=0");
  REQUIRE(wb.ok());
  CHECK(wb.format.sample_rate_hz == 16000);
  CHECK_FALSE(wb.format.inband_fec);

  const auto fb = from_sdp("opus", 48000, 2, "maxaveragebitrate=20000;cbr=1");
  REQUIRE(fb.ok());
  CHECK(fb.format.sample_rate_hz == 48000);
  CHECK(fb.format.max_average_bitrate == 20000);
  CHECK(fb.format.cbr);

  CHECK(from_sdp("opus", 48000, 2, "maxplaybackrate=fast").error == RegistryError::BadFmtp);
  CHECK(from_sdp("opus", 48000, 2, "maxplaybackrate=-1").error == RegistryError::BadFmtp);
  CHECK(from_sdp("opus", 48000, 2, "maxaveragebitrate=99999999999").error == RegistryError::BadFmtp);
  CHECK(from_sdp("opus", 48000, 2, ";;;useinbandfec=1;").format.inband_fec);

  CodecFormat f = default_format(CodecId::Opus, 16000);
  f.dtx = true;
  CHECK(fmtp(f) == "useinbandfec=1;maxplaybackrate=16000;usedtx=1");
}

TEST_CASE("telephone-event is a non-audio payload with an event list", "[registry]") {
  const auto te = from_sdp("telephone-event", 8000, 0, "0-15");
  REQUIRE(te.ok());
  CHECK(te.format.id == CodecId::TelephoneEvent);
  CHECK(te.format.event_mask == 0xFFFF);
  CHECK(fmtp(te.format) == "0-15");

  const auto some = from_sdp("telephone-event", 8000, 0, "0-9,11, 16");
  REQUIRE(some.ok());
  CHECK(some.format.event_mask == 0x0BFF);
  CHECK(fmtp(some.format) == "0-9,11");

  CHECK(from_sdp("telephone-event", 48000, 0, "0-15").ok());
  CHECK(from_sdp("telephone-event", 8000, 0, "5-3").error == RegistryError::BadFmtp);
  CHECK(from_sdp("telephone-event", 8000, 0, "x").error == RegistryError::BadFmtp);
}
