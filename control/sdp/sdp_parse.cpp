#include "control/sdp/sdp_parse.hpp"

#include <arpa/inet.h>
#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>

#include "codecs/names/codec_registry.hpp"

namespace dialcore::control::sdp {
namespace {

// One su_home per parse: everything sofia allocates for the body goes with it.
class Home {
 public:
  Home() { su_home_init(home_); }
  ~Home() { su_home_deinit(home_); }
  Home(const Home&) = delete;
  Home& operator=(const Home&) = delete;
  su_home_t* get() { return home_; }

 private:
  su_home_t home_[1] = {};
};

std::string_view text(const char* s) {
  return s != nullptr ? std::string_view(s) : std::string_view{};
}

std::optional<std::uint32_t> to_u32(std::string_view s) {
  std::uint32_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// An IPv4/IPv6 literal (inet_pton: pure parsing, no resolver) into a NetAddress with port 0.
std::optional<dataplane::NetAddress> ip_literal(std::string_view addr, bool ipv6) {
  const std::string z(addr);
  dataplane::NetAddress out;
  if (inet_pton(ipv6 ? AF_INET6 : AF_INET, z.c_str(), out.bytes.data()) != 1) return std::nullopt;
  out.family = ipv6 ? dataplane::AddressFamily::V6 : dataplane::AddressFamily::V4;
  return out;
}

// The connection address of a media line, or why it is unusable.
std::optional<SdpFailure> read_connection(const sdp_connection_t* c, MediaDescription& m) {
  if (c == nullptr) return bad_request("no c= line for an audio stream");
  if (c->c_nettype != sdp_net_in)
    return not_acceptable(SipWarning::IncompatibleNetworkAddress, "c= network type is not IN");
  if (c->c_addrtype != sdp_addr_ip4 && c->c_addrtype != sdp_addr_ip6) {
    return not_acceptable(SipWarning::IncompatibleNetworkAddress,
                          "c= address type is not IP4 or IP6");
  }
  const bool v6 = c->c_addrtype == sdp_addr_ip6;
  const auto addr = ip_literal(text(c->c_address), v6);
  if (!addr) {
    return not_acceptable(
        SipWarning::IncompatibleNetworkAddress,
        "c= address '" + std::string(text(c->c_address)) + "' is not an IP literal");
  }
  if (c->c_mcast || c->c_groups > 1 ||
      (v6 ? addr->bytes[0] == 0xFF : (addr->bytes[0] & 0xF0) == 0xE0)) {
    return not_acceptable(SipWarning::IncompatibleNetworkAddress,
                          "multicast media is not supported");
  }
  m.connection = *addr;
  m.hold_address = addr->bytes == std::array<std::uint8_t, 16>{};
  return std::nullopt;
}

// a=rtcp:PORT [IN IP4|IP6 ADDR] (RFC 3605). Malformed: ignored, RTCP goes to RTP port + 1.
void read_rtcp(std::string_view v, MediaDescription& m) {
  const auto sp = v.find(' ');
  const auto port = to_u32(v.substr(0, sp));
  if (!port || *port == 0 || *port > 65535) return;
  dataplane::NetAddress a = m.connection;
  if (sp != std::string_view::npos) {
    const std::string_view rest = v.substr(sp + 1);
    const bool v6 = rest.starts_with("IN IP6 ");
    if (!v6 && !rest.starts_with("IN IP4 ")) return;
    const auto addr = ip_literal(rest.substr(7), v6);
    if (!addr) return;
    a = *addr;
  }
  a.port = static_cast<std::uint16_t>(*port);
  m.rtcp = a;
}

std::uint16_t read_ms(std::string_view v) {
  const auto ms = to_u32(v);
  return ms && *ms > 0 && *ms <= 1000 ? static_cast<std::uint16_t>(*ms) : 0;
}

void read_attributes(const sdp_attribute_t* a, MediaDescription& m) {
  for (; a != nullptr; a = a->a_next) {
    const std::string_view name = text(a->a_name);
    const std::string_view value = text(a->a_value);
    if (name == "ptime")
      m.ptime_ms = read_ms(value);
    else if (name == "maxptime")
      m.maxptime_ms = read_ms(value);
    else if (name == "rtcp")
      read_rtcp(value, m);
    else if (name == "rtcp-mux")
      m.rtcp_mux = true;
    else if (name == "crypto") {
      auto r = parse_crypto(value);
      if (r.attr)
        m.crypto.push_back(*r.attr);
      else
        m.crypto_refused.push_back(std::move(r.error));
    }
  }
}

void read_formats(const sdp_rtpmap_t* rm, MediaDescription& m) {
  for (; rm != nullptr; rm = rm->rm_next) {
    PayloadFormat f;
    f.payload_type = static_cast<std::uint8_t>(rm->rm_pt);
    f.encoding = text(rm->rm_encoding);
    f.clock_hz = rm->rm_rate <= 0xFFFFFFFFul ? static_cast<std::uint32_t>(rm->rm_rate) : 0;
    const auto ch = to_u32(text(rm->rm_params));
    f.channels = ch && *ch <= 255 ? static_cast<std::uint8_t>(*ch) : 0;
    f.fmtp = text(rm->rm_fmtp);
    if (!f.encoding.empty()) {
      auto r = codecs::from_sdp(f.encoding, f.clock_hz, f.channels, f.fmtp);
      if (r.ok()) f.codec = r.format;
    }
    m.format_tokens.push_back(std::to_string(f.payload_type));
    m.formats.push_back(std::move(f));
  }
}

std::optional<SdpFailure> read_media(const sdp_session_t* s, const sdp_media_t* sm,
                                     MediaDescription& m) {
  m.media = text(sm->m_type_name);
  m.proto = text(sm->m_proto_name);
  if (sm->m_port > 65535)
    return bad_request("m= port " + std::to_string(sm->m_port) + " out of range");
  m.port = static_cast<std::uint16_t>(sm->m_port);
  m.profile = sm->m_proto == sdp_proto_rtp    ? MediaProfile::Avp
              : sm->m_proto == sdp_proto_srtp ? MediaProfile::Savp
                                              : MediaProfile::Other;
  m.direction = static_cast<Direction>(sm->m_mode & 3u);
  for (const sdp_list_t* l = sm->m_format; l != nullptr; l = l->l_next) {
    m.format_tokens.emplace_back(text(l->l_text));
  }
  if (m.profile != MediaProfile::Other) read_formats(sm->m_rtpmaps, m);
  if (m.format_tokens.empty()) return bad_request("m=" + m.media + " line without formats");

  if (sm->m_type != sdp_media_audio) {
    m.refused = not_acceptable(SipWarning::MediaTypeNotAvailable,
                               "media type " + m.media + " not supported");
  } else if (m.profile == MediaProfile::Other) {
    m.refused = not_acceptable(SipWarning::IncompatibleTransport,
                               "transport " + m.proto + " not supported");
  } else if (sm->m_number_of_ports > 1) {
    m.refused = not_acceptable(SipWarning::IncompatibleTransport, "m= port count not supported");
  }
  if (m.refused || m.port == 0) return std::nullopt;

  const sdp_connection_t* c = sm->m_connections != nullptr ? sm->m_connections : s->sdp_connection;
  if (auto why = read_connection(c, m)) {
    if (why->sip_status == 400) return why;
    m.refused = std::move(why);
    return std::nullopt;
  }
  m.connection.port = m.port;
  read_attributes(sm->m_attributes, m);
  return std::nullopt;
}

// RFC 4566 token-char: %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E.
bool token_char(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2A || c == 0x2B || c == 0x2D ||
         c == 0x2E || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) ||
         (c >= 0x5E && c <= 0x7E);
}

bool all_of(std::string_view s, bool (*ok)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), ok);
}

// One m= line against RFC 4566's grammar: media SP port["/"n] SP proto SP fmt *(SP fmt).
bool media_line_ok(std::string_view line) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  line.remove_prefix(2);
  int field = 0;
  while (true) {
    const auto sp = line.find(' ');
    const std::string_view f = line.substr(0, sp);
    const bool ok = field == 1
                        ? all_of(f, [](char c) { return (c >= '0' && c <= '9') || c == '/'; })
                    : field == 2 ? all_of(f, [](char c) { return token_char(c) || c == '/'; })
                                 : all_of(f, token_char);
    if (!ok) return false;
    ++field;
    if (sp == std::string_view::npos) return field >= 4;
    line.remove_prefix(sp + 1);
  }
}

// sofia-sip 1.12.11 loops without end, allocating, on some malformed m= lines: a transport
// token holding a byte >= 0x80 after an ASCII one ("RTP/SA\xff\xffVP"), a media token with
// '=' ("m=audiom= 4000 ..."); both found by tests/fuzz/sdp_parse_fuzz. So every m= line is
// checked against the grammar before sofia sees the body.
bool media_lines_ok(std::string_view body) {
  std::size_t at = 0;
  while (at < body.size()) {
    const std::size_t eol = std::min(body.find('\n', at), body.size());
    const std::string_view line = body.substr(at, eol - at);
    if (line.starts_with("m=") && !media_line_ok(line)) return false;
    at = eol + 1;
  }
  return true;
}

}  // namespace

ParseResult parse_sdp(std::string_view body) {
  ParseResult out;
  if (body.empty()) return out.failure = bad_request("empty SDP body"), out;
  if (body.size() > kMaxSdpBytes) return out.failure = bad_request("SDP body too large"), out;
  if (std::memchr(body.data(), '\0', body.size()) != nullptr) {
    return out.failure = bad_request("SDP body contains NUL bytes"), out;
  }
  if (!media_lines_ok(body)) return out.failure = bad_request("malformed m= line"), out;
  Home home;
  sdp_parser_t* parser = sdp_parse(home.get(), body.data(), static_cast<issize_t>(body.size()), 0);
  if (const char* err = sdp_parsing_error(parser); err != nullptr) {
    out.failure = bad_request(std::string("SDP: ") + err);
  } else if (const sdp_session_t* s = sdp_session(parser);
             s == nullptr || s->sdp_origin == nullptr) {
    out.failure = bad_request("SDP: no session");
  } else {
    SessionDescription& d = out.description;
    const sdp_origin_t* o = s->sdp_origin;
    d.origin.username = text(o->o_username);
    d.origin.session_id = o->o_id;
    d.origin.version = o->o_version;
    if (o->o_address != nullptr) {
      d.origin.address = text(o->o_address->c_address);
      d.origin.ipv6 = o->o_address->c_addrtype == sdp_addr_ip6;
    }
    if (s->sdp_connection != nullptr && s->sdp_connection->c_address != nullptr) {
      d.connection = ip_literal(text(s->sdp_connection->c_address),
                                s->sdp_connection->c_addrtype == sdp_addr_ip6);
    }
    for (const sdp_media_t* sm = s->sdp_media; sm != nullptr && !out.failure; sm = sm->m_next) {
      if (d.media.size() == kMaxMediaLines) {
        out.failure = bad_request("more than " + std::to_string(kMaxMediaLines) + " m= lines");
        break;
      }
      out.failure = read_media(s, sm, d.media.emplace_back());
    }
    if (!out.failure && d.media.empty()) out.failure = bad_request("SDP has no m= line");
  }
  sdp_parser_free(parser);
  return out;
}

}  // namespace dialcore::control::sdp
