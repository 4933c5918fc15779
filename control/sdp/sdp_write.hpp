#pragma once
// Prints a SessionDescription as an SDP body (RFC 4566, CRLF line ends).
//
// A small writer rather than sofia-sip's sdp_print: everything printed comes from our own
// validated types (numbers, IP literals via inet_ntop, base64 we encoded, codec names from the
// registry), so nothing needs escaping, and building sofia's linked C structs on an su_home
// would be longer than the text itself. Every body we produce is re-parsed by sofia-sip in
// the tests (tests/control/sdp/).

#include <string>

#include "control/sdp/session_description.hpp"

namespace dialcore::control::sdp {

// Session level: v=, o=, s=-, c= (when set), t=0 0. Per m= line: with port 0 only the m= line
// (a rejected stream, RFC 3264 6); otherwise c= when it differs from the session's, rtpmap for
// every format (static ones too: harmless, and some peers want them), fmtp, ptime, maxptime,
// rtcp-mux, crypto, and the direction attribute always written out.
std::string write_sdp(const SessionDescription& d);

// "IN IP4 192.0.2.1" / "IN IP6 2001:db8::1" for an address (its port is ignored).
std::string connection_text(const dataplane::NetAddress& a);

}  // namespace dialcore::control::sdp
