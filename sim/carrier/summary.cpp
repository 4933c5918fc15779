#include "sim/carrier/summary.hpp"

#include <cstdio>
#include <sstream>

namespace dialcore::sim::carrier {

std::string Summary::table() const {
  std::ostringstream o;
  o << "carrier simulator summary\n";
  o << "  invites            " << invites << " (refused " << refused << ", sdp failed " << sdp_failed << ")\n";
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    char line[64];
    std::snprintf(line, sizeof line, "  %-18s %llu\n", std::string(outcome_name(static_cast<Outcome>(i))).c_str(),
                  static_cast<unsigned long long>(calls[i]));
    o << line;
  }
  char talk[32];
  std::snprintf(talk, sizeof talk, "%.1f", talk_seconds);
  o << "  answers            " << answers << "\n";
  o << "  talk seconds       " << talk << "\n";
  o << "  rtp sent           " << rtp_sent << "\n";
  o << "  rtp received       " << rtp_received << " (telephone-event " << rtp_events_received << ")\n";
  o << "  payments keyed     " << payments_keyed << " of " << payments_started << "\n";
  o << "  ended              caller cancel " << caller_cancel << ", caller bye " << caller_bye
    << ", our bye " << our_bye << ", our reject " << our_reject << ", ring timeout " << ring_timeout
    << ", shutdown " << shutdown << ", other " << other_end << "\n";
  return o.str();
}

std::string Summary::json() const {
  std::ostringstream o;
  o << "{\"invites\":" << invites << ",\"refused\":" << refused << ",\"sdp_failed\":" << sdp_failed
    << ",\"calls\":{";
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    o << (i ? "," : "") << '"' << outcome_name(static_cast<Outcome>(i)) << "\":" << calls[i];
  }
  char talk[32];
  std::snprintf(talk, sizeof talk, "%.3f", talk_seconds);
  o << "},\"answers\":" << answers << ",\"talk_seconds\":" << talk << ",\"rtp_sent\":" << rtp_sent
    << ",\"rtp_received\":" << rtp_received << ",\"rtp_events_received\":" << rtp_events_received
    << ",\"payments_started\":" << payments_started << ",\"payments_keyed\":" << payments_keyed
    << ",\"info_dtmf\":" << info_dtmf << ",\"ended\":{\"caller_cancel\":" << caller_cancel
    << ",\"caller_bye\":" << caller_bye << ",\"our_bye\":" << our_bye << ",\"our_reject\":" << our_reject
    << ",\"ring_timeout\":" << ring_timeout << ",\"shutdown\":" << shutdown << ",\"other\":" << other_end
    << "}}";
  return o.str();
}

}  // namespace dialcore::sim::carrier
