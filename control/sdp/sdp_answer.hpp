#pragma once
// Answering a remote offer (RFC 3264 6): one audio stream accepted, every other m= line
// rejected with port 0, and the NegotiatedMedia the dataplane leg is configured with.

#include <optional>
#include <string>
#include <string_view>

#include "control/sdp/local_media.hpp"
#include "control/sdp/negotiated_media.hpp"
#include "control/sdp/sdp_failure.hpp"
#include "control/sdp/sdp_session.hpp"
#include "control/sdp/session_description.hpp"

namespace dialcore::control::sdp {

struct AnswerResult {
  std::string sdp;  // the answer body; empty on failure
  NegotiatedMedia media;
  std::optional<SdpFailure> failure;  // 400 unparseable, 488 + Warning not acceptable
  bool ok() const { return !failure.has_value(); }
};

// Cost (control thread, not a hot path): median 16 us for sipp's offer, about 40 us for the
// baresip and Linphone fixtures, parse included (an ad-hoc loop of 9 x 2000 answers, Release,
// on the shared 2-core machine while other builds ran: noisy; no dialbench subcommand yet).
// Parses and answers an offer body. The session's o= version moves only when the answer text
// changes (see SdpSession). Rules: control/sdp/README.md.
AnswerResult answer(std::string_view offer_body, const LocalMedia& local, SdpSession& session);
AnswerResult answer(const SessionDescription& offer, const LocalMedia& local, SdpSession& session);

}  // namespace dialcore::control::sdp
