#include "control/sdp/sdp_write.hpp"

#include <arpa/inet.h>

#include <array>

namespace dialcore::control::sdp {
namespace {

void line(std::string& out, std::string_view a, std::string_view b = {}) {
  out.append(a).append(b).append("\r\n");
}

void write_media(std::string& out, const MediaDescription& m,
                 const std::optional<dataplane::NetAddress>& session_c) {
  std::string mline = m.media + " " + std::to_string(m.port) + " " + m.proto;
  for (const auto& t : m.format_tokens) mline.append(" ").append(t);
  line(out, "m=", mline);
  if (m.port == 0) return;
  dataplane::NetAddress c = m.connection;
  c.port = 0;
  if (!session_c || !(*session_c == c)) line(out, "c=", connection_text(c));
  for (const auto& f : m.formats) {
    std::string map = std::to_string(f.payload_type);
    map.append(" ").append(f.encoding).append("/").append(std::to_string(f.clock_hz));
    if (f.channels != 0) map.append("/").append(std::to_string(f.channels));
    line(out, "a=rtpmap:", map);
    if (!f.fmtp.empty())
      line(out, "a=fmtp:", std::to_string(f.payload_type).append(" ").append(f.fmtp));
  }
  if (m.ptime_ms != 0) line(out, "a=ptime:", std::to_string(m.ptime_ms));
  if (m.maxptime_ms != 0) line(out, "a=maxptime:", std::to_string(m.maxptime_ms));
  if (m.rtcp_mux) line(out, "a=rtcp-mux");
  for (const auto& k : m.crypto) line(out, "a=crypto:", format_crypto(k.tag, k.key));
  line(out, "a=", to_string(m.direction));
}

}  // namespace

const char* to_string(Direction d) {
  switch (d) {
    case Direction::Inactive: return "inactive";
    case Direction::SendOnly: return "sendonly";
    case Direction::RecvOnly: return "recvonly";
    case Direction::SendRecv: return "sendrecv";
  }
  return "sendrecv";
}

std::string connection_text(const dataplane::NetAddress& a) {
  const bool v6 = a.family == dataplane::AddressFamily::V6;
  std::array<char, INET6_ADDRSTRLEN> buf{};
  inet_ntop(v6 ? AF_INET6 : AF_INET, a.bytes.data(), buf.data(), buf.size());
  std::string out(v6 ? "IN IP6 " : "IN IP4 ");
  return out.append(buf.data());
}

std::string write_sdp(const SessionDescription& d) {
  std::string out;
  out.reserve(512);
  line(out, "v=0");
  std::string o = d.origin.username;
  o.append(" ").append(std::to_string(d.origin.session_id)).append(" ");
  o.append(std::to_string(d.origin.version)).append(d.origin.ipv6 ? " IN IP6 " : " IN IP4 ");
  line(out, "o=", o.append(d.origin.address));
  line(out, "s=-");
  if (d.connection) line(out, "c=", connection_text(*d.connection));
  line(out, "t=0 0");
  for (const auto& m : d.media) write_media(out, m, d.connection);
  return out;
}

}  // namespace dialcore::control::sdp
