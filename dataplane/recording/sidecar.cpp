#include "dataplane/recording/sidecar.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

namespace dialcore::dataplane::recording {
namespace json = boost::json;
namespace {

std::optional<MarkerKind> marker_kind(std::string_view name) {
  for (int k = 1; k <= 7; ++k) {
    if (to_string(static_cast<MarkerKind>(k)) == name) return static_cast<MarkerKind>(k);
  }
  return std::nullopt;
}
std::optional<RecordingFormat> format_of(std::string_view name) {
  for (int f = 0; f <= 2; ++f) {
    if (to_string(static_cast<RecordingFormat>(f)) == name) return static_cast<RecordingFormat>(f);
  }
  return std::nullopt;
}

}  // namespace

std::string to_json(const Sidecar& s) {
  json::array markers;
  json::array masked;
  std::optional<std::uint64_t> mask_open;
  for (const Marker& m : s.markers) {
    markers.push_back(json::object{{"kind", to_string(m.kind)},
                                   {"offset_ms", s.ms(m.offset_frames)},
                                   {"offset_frames", m.offset_frames},
                                   {"text", m.text}});
    if (m.kind == MarkerKind::MaskBegin && !mask_open) mask_open = m.offset_frames;
    if (m.kind == MarkerKind::MaskEnd && mask_open) {
      masked.push_back(json::object{{"begin_ms", s.ms(*mask_open)}, {"end_ms", s.ms(m.offset_frames)}});
      mask_open.reset();
    }
  }
  if (mask_open) {  // still masked at the end of the file
    masked.push_back(json::object{{"begin_ms", s.ms(*mask_open)}, {"end_ms", s.ms(s.frames)}});
  }
  const json::object o{
      {"version", 1},
      {"call_id", s.call_id},
      {"customer_leg", s.customer_leg},
      {"agent_leg", s.agent_leg},
      {"campaign", s.campaign},
      {"queue", s.queue},
      {"agent", s.agent},
      {"start_unix_ms", s.start_unix_ms},
      {"codec", s.codec},
      {"format", to_string(s.format)},
      {"sample_rate_hz", s.sample_rate_hz},
      {"channels", s.channels},
      {"audio_file", s.audio_file},
      {"status", s.status},
      {"frames", s.frames},
      {"duration_ms", s.ms(s.frames)},
      {"gap_frames", s.gap_frames},
      {"markers", std::move(markers)},
      {"masked_spans", std::move(masked)},
      {"sha256", s.sha256},
      {"sha256_offset", s.sha256_offset},
  };
  return json::serialize(o) + "\n";
}

std::optional<Sidecar> sidecar_from_json(const std::string& text) {
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.get_object();
  try {
    Sidecar s;
    s.call_id = json::value_to<std::string>(o.at("call_id"));
    s.customer_leg = json::value_to<std::uint64_t>(o.at("customer_leg"));
    s.agent_leg = json::value_to<std::uint64_t>(o.at("agent_leg"));
    s.campaign = json::value_to<std::string>(o.at("campaign"));
    if (const auto* q = o.if_contains("queue")) s.queue = json::value_to<std::string>(*q);  // v1 may lack it
    s.agent = json::value_to<std::string>(o.at("agent"));
    s.start_unix_ms = json::value_to<std::uint64_t>(o.at("start_unix_ms"));
    s.codec = json::value_to<std::string>(o.at("codec"));
    const auto format = format_of(json::value_to<std::string>(o.at("format")));
    if (!format) return std::nullopt;
    s.format = *format;
    s.sample_rate_hz = json::value_to<std::uint32_t>(o.at("sample_rate_hz"));
    s.channels = json::value_to<std::uint16_t>(o.at("channels"));
    s.audio_file = json::value_to<std::string>(o.at("audio_file"));
    s.status = json::value_to<std::string>(o.at("status"));
    s.frames = json::value_to<std::uint64_t>(o.at("frames"));
    s.gap_frames = json::value_to<std::uint64_t>(o.at("gap_frames"));
    for (const json::value& mv : o.at("markers").as_array()) {
      const json::object& m = mv.as_object();
      const auto kind = marker_kind(json::value_to<std::string>(m.at("kind")));
      if (!kind) return std::nullopt;
      s.markers.push_back(Marker{*kind, json::value_to<std::uint64_t>(m.at("offset_frames")),
                                 json::value_to<std::string>(m.at("text"))});
    }
    s.sha256 = json::value_to<std::string>(o.at("sha256"));
    s.sha256_offset = json::value_to<std::uint64_t>(o.at("sha256_offset"));
    return s;
  } catch (const std::exception&) {  // a missing or mistyped field: not a sidecar
    return std::nullopt;
  }
}

std::optional<Sidecar> read_sidecar(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return sidecar_from_json(text.str());
}

}  // namespace dialcore::dataplane::recording
