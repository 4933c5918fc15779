#include "control/sip/sip_causes.hpp"

namespace dialcore::control::sip {

CallEnd end_for_status(int status, bool cancelled_on_timeout, bool cancelled_by_us) {
  switch (status) {
    case 486:
    case 600:
    case 603: return CallEnd::Busy;
    case 480:
    case 408: return CallEnd::NoAnswer;
    case 404:
    case 484:
    case 604: return CallEnd::InvalidNumber;
    case 500:
    case 502:
    case 503: return CallEnd::Congestion;
    case 487:
      // A 487 answers our CANCEL: which one decides what it means.
      if (cancelled_on_timeout) return CallEnd::NoAnswer;
      if (cancelled_by_us) return CallEnd::Cancelled;
      return CallEnd::Failed;
    default: return CallEnd::Failed;
  }
}

}  // namespace dialcore::control::sip
