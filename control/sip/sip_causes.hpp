#pragma once
// SIP final statuses → CallEnd, the outcome the dialler and agents see (issue 7, part 3).

#include "control/sip/sip_types.hpp"

namespace dialcore::control::sip {

// `status` is a final failure (>= 300) of an outbound INVITE. `cancelled_on_timeout`: we sent
// CANCEL because the invite timeout ran out, so the 487 that follows means nobody answered.
// `cancelled_by_us`: our hangup() cancelled the call before the answer.
CallEnd end_for_status(int status, bool cancelled_on_timeout, bool cancelled_by_us);

}  // namespace dialcore::control::sip
