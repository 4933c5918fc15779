#pragma once
// CallBook: the campaign calls the agent floor may hold, by the B2BUA's call handle (which is
// also the floor's call id). The call port books a call when it dials it; the floor link reads
// it when the agent wraps (the disposition names the call's history id) and forgets it then,
// or at the call's end when no agent ever had it. Control thread only.

#include <cstdint>
#include <map>
#include <string>

#include "control/calls/call_types.hpp"

namespace dialcore::control::appliance {

struct BookedCall {
  std::string history_id;        // CallHistory's call id
  std::int64_t campaign_id = 0;  // the store's campaign id
  std::int64_t lead_id = 0;
  std::int64_t agent = 0;        // the agent offered the call; 0 none yet
  bool offered = false;          // the floor holds it (until the agent's wrap)
  bool bridged = false;          // the agent's handset answered: the agent talked to the lead
};

class CallBook {
 public:
  void put(calls::CallHandle call, BookedCall booked) { calls_[call] = std::move(booked); }
  BookedCall* find(calls::CallHandle call) {
    const auto it = calls_.find(call);
    return it == calls_.end() ? nullptr : &it->second;
  }
  void erase(calls::CallHandle call) { calls_.erase(call); }
  std::size_t size() const { return calls_.size(); }

 private:
  std::map<calls::CallHandle, BookedCall> calls_;
};

}  // namespace dialcore::control::appliance
