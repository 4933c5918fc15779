#include "control/sip/sip_types.hpp"

namespace dialcore::control::sip {

std::string_view call_end_name(CallEnd end) {
  switch (end) {
    case CallEnd::None: return "none";
    case CallEnd::Busy: return "busy";
    case CallEnd::NoAnswer: return "no_answer";
    case CallEnd::InvalidNumber: return "invalid_number";
    case CallEnd::Congestion: return "congestion";
    case CallEnd::Failed: return "failed";
    case CallEnd::RefusedMaxCalls: return "refused_max_calls";
    case CallEnd::RefusedMaxCps: return "refused_max_cps";
    case CallEnd::NoSuchTrunk: return "no_such_trunk";
    case CallEnd::Cancelled: return "cancelled";
    case CallEnd::Rejected: return "rejected";
    case CallEnd::RemoteHangup: return "remote_hangup";
    case CallEnd::LocalHangup: return "local_hangup";
    case CallEnd::Shutdown: return "shutdown";
    case CallEnd::NotRegistered: return "not_registered";
  }
  return "?";
}

std::string_view sip_event_kind_name(SipEventKind kind) {
  switch (kind) {
    case SipEventKind::Progress: return "progress";
    case SipEventKind::Answered: return "answered";
    case SipEventKind::Incoming: return "incoming";
    case SipEventKind::Offer: return "offer";
    case SipEventKind::Confirmed: return "confirmed";
    case SipEventKind::Dtmf: return "dtmf";
    case SipEventKind::Ended: return "ended";
    case SipEventKind::Registered: return "registered";
    case SipEventKind::Unregistered: return "unregistered";
    case SipEventKind::OfferAnswered: return "offer_answered";
    case SipEventKind::OfferFailed: return "offer_failed";
  }
  return "?";
}

}  // namespace dialcore::control::sip
