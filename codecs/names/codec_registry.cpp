#include "codecs/names/codec_registry.hpp"

#include <array>

#include "codecs/names/fmtp.hpp"

namespace dialcore::codecs {
namespace {

constexpr std::array<CodecInfo, kCodecIdCount> kCodecs{{
    {CodecId::Pcmu, "PCMU", 8000, 1, 0, PayloadKind::Audio},
    {CodecId::Pcma, "PCMA", 8000, 1, 8, PayloadKind::Audio},
    {CodecId::G729, "G729", 8000, 1, 18, PayloadKind::Audio},
    {CodecId::Opus, "opus", 48000, 2, -1, PayloadKind::Audio},
    {CodecId::L16, "L16", 0, 1, -1, PayloadKind::Audio},
    {CodecId::TelephoneEvent, "telephone-event", 8000, 1, -1, PayloadKind::Event},
}};

bool yes_no(std::string_view v, bool& out) {
  if (v == "1" || iequals(v, "yes")) return out = true, true;
  if (v == "0" || iequals(v, "no")) return out = false, true;
  return false;
}

// RFC 4856: annexb defaults to yes when absent.
bool parse_g729(std::string_view text, CodecFormat& f) {
  f.annexb = true;
  FmtpReader r(text);
  while (auto p = r.next()) {
    if (iequals(p->key, "annexb") && !yes_no(p->value, f.annexb)) return false;
  }
  return true;
}

// RFC 7587 section 6.1. Our PCM rate is the highest of 8/16/48 kHz the far end will play.
bool parse_opus(std::string_view text, CodecFormat& f) {
  f.frame_ms = 20;
  FmtpReader r(text);
  while (auto p = r.next()) {
    if (iequals(p->key, "maxplaybackrate")) {
      auto v = parse_u32(p->value);
      if (!v || *v < 8000) return false;
      f.max_playback_rate_hz = *v;
    } else if (iequals(p->key, "useinbandfec")) {
      if (!yes_no(p->value, f.inband_fec)) return false;
    } else if (iequals(p->key, "usedtx")) {
      if (!yes_no(p->value, f.dtx)) return false;
    } else if (iequals(p->key, "cbr")) {
      if (!yes_no(p->value, f.cbr)) return false;
    } else if (iequals(p->key, "maxaveragebitrate")) {
      auto v = parse_u32(p->value);
      if (!v || *v < 6000 || *v > 510000) return false;
      f.max_average_bitrate = *v;
    }
  }
  f.sample_rate_hz = f.max_playback_rate_hz >= 48000 ? 48000
                     : f.max_playback_rate_hz >= 16000 ? 16000
                                                       : 8000;
  return true;
}

// RFC 4733 section 2.4.1: "0-15" or "0-11,12,13-16". We keep events 0-15 (DTMF).
bool parse_events(std::string_view text, CodecFormat& f) {
  if (text.find_first_not_of(" \t") == std::string_view::npos) return true;  // all events
  f.event_mask = 0;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    const auto dash = item.find('-');
    auto lo = parse_u32(item.substr(0, dash));
    auto hi = dash == std::string_view::npos ? lo : parse_u32(item.substr(dash + 1));
    if (!lo || !hi || *lo > *hi || *hi > 255) return false;
    for (std::uint32_t e = *lo; e <= *hi && e < 16; ++e) {
      f.event_mask = static_cast<std::uint16_t>(f.event_mask | (1u << e));
    }
  }
  return true;
}

}  // namespace

const CodecInfo& codec_info(CodecId id) { return kCodecs[static_cast<std::size_t>(id)]; }

std::span<const CodecInfo> all_codecs() { return kCodecs; }

std::string_view to_string(RegistryError e) {
  switch (e) {
    case RegistryError::None: return "ok";
    case RegistryError::UnknownEncoding: return "unknown encoding";
    case RegistryError::BadClockRate: return "unsupported clock rate";
    case RegistryError::BadChannels: return "unsupported channel count";
    case RegistryError::BadFmtp: return "malformed fmtp parameter";
  }
  return "?";
}

RegistryResult from_sdp(std::string_view encoding_name, std::uint32_t clock_hz,
                        std::uint8_t channels, std::string_view fmtp_text) {
  RegistryResult r;
  const CodecInfo* info = nullptr;
  for (const auto& c : kCodecs) {
    if (iequals(c.sdp_name, encoding_name)) info = &c;
  }
  if (info == nullptr) return r.error = RegistryError::UnknownEncoding, r;

  CodecFormat& f = r.format;
  f.id = info->id;
  if (info->id == CodecId::L16) {
    if (clock_hz != 8000 && clock_hz != 16000 && clock_hz != 48000) {
      return r.error = RegistryError::BadClockRate, r;
    }
  } else if (info->id == CodecId::TelephoneEvent) {
    if (clock_hz != 8000 && clock_hz != 16000 && clock_hz != 48000) {
      return r.error = RegistryError::BadClockRate, r;
    }
  } else if (clock_hz != info->rtp_clock_hz) {
    return r.error = RegistryError::BadClockRate, r;
  }
  // Opus is always signalled with 2 channels (RFC 7587); mono voice is what we send.
  const std::uint8_t want = info->sdp_channels;
  if (channels != 0 && channels != want) return r.error = RegistryError::BadChannels, r;

  f.rtp_clock_hz = clock_hz;
  f.sample_rate_hz = info->id == CodecId::Opus ? 48000 : clock_hz;
  f.frame_ms = 10;
  bool good = true;
  if (info->id == CodecId::G729) good = parse_g729(fmtp_text, f);
  if (info->id == CodecId::Opus) good = parse_opus(fmtp_text, f);
  if (info->id == CodecId::TelephoneEvent) good = parse_events(fmtp_text, f);
  if (!good) r.error = RegistryError::BadFmtp;
  return r;
}

CodecFormat default_format(CodecId id, std::uint32_t sample_rate_hz) {
  CodecFormat f;
  f.id = id;
  switch (id) {
    case CodecId::Opus:
      f.rtp_clock_hz = 48000;
      f.sample_rate_hz = sample_rate_hz != 0 ? sample_rate_hz : 48000;
      f.max_playback_rate_hz = f.sample_rate_hz;
      f.frame_ms = 20;
      f.inband_fec = true;
      break;
    case CodecId::L16:
    case CodecId::TelephoneEvent:
      f.sample_rate_hz = f.rtp_clock_hz = sample_rate_hz != 0 ? sample_rate_hz : 8000;
      break;
    default:
      f.sample_rate_hz = f.rtp_clock_hz = 8000;
      break;
  }
  return f;
}

int static_payload_type(const CodecFormat& f) {
  const CodecInfo& info = codec_info(f.id);
  return info.rtp_clock_hz == f.rtp_clock_hz ? info.static_payload_type : -1;
}

std::string rtpmap(const CodecFormat& f) {
  const CodecInfo& info = codec_info(f.id);
  std::string s(info.sdp_name);
  s += '/';
  s += std::to_string(f.rtp_clock_hz);
  if (info.sdp_channels != 1) {
    s += '/';
    s += std::to_string(info.sdp_channels);
  }
  return s;
}

std::string fmtp(const CodecFormat& f) {
  switch (f.id) {
    case CodecId::G729:
      return f.annexb ? "annexb=yes" : "annexb=no";
    case CodecId::Opus: {
      std::string s = "useinbandfec=" + std::string(f.inband_fec ? "1" : "0");
      if (f.max_playback_rate_hz < 48000) {
        s += ";maxplaybackrate=" + std::to_string(f.max_playback_rate_hz);
      }
      if (f.dtx) s += ";usedtx=1";
      if (f.cbr) s += ";cbr=1";
      if (f.max_average_bitrate != 0) {
        s += ";maxaveragebitrate=" + std::to_string(f.max_average_bitrate);
      }
      return s;
    }
    case CodecId::TelephoneEvent: {
      std::string s;
      for (int e = 0; e < 16;) {
        if ((f.event_mask & (1u << e)) == 0) { ++e; continue; }
        int end = e;
        while (end + 1 < 16 && (f.event_mask & (1u << (end + 1)))) ++end;
        if (!s.empty()) s += ',';
        s += std::to_string(e);
        if (end > e) s += '-' + std::to_string(end);
        e = end + 1;
      }
      return s;
    }
    default:
      return {};
  }
}

}  // namespace dialcore::codecs
