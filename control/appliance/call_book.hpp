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
  // The B2BUA call when the floor holds it under another id (a call transferred to a queue:
  // the first agent still wraps the handle itself); 0: the floor id is the handle.
  calls::CallHandle handle = 0;
};

// A call moved into a queue gets a floor id of its own: handle | generation << kFloorGenShift
// (handles stay far below 2^40; CallTransfers' alias bit 62 is above the generations).
inline constexpr int kFloorGenShift = 40;
inline constexpr calls::CallHandle kHandleMask = (calls::CallHandle{1} << kFloorGenShift) - 1;

class CallBook {
 public:
  void put(calls::CallHandle call, BookedCall booked) { calls_[call] = std::move(booked); }
  BookedCall* find(calls::CallHandle call) {
    const auto it = calls_.find(call);
    return it == calls_.end() ? nullptr : &it->second;
  }
  void erase(calls::CallHandle call) { calls_.erase(call); }
  // The B2BUA call a floor id stands for (itself when it is no alias).
  calls::CallHandle handle_of(calls::CallHandle floor_id) const {
    const auto it = calls_.find(floor_id);
    return it != calls_.end() && it->second.handle != 0 ? it->second.handle : floor_id;
  }
  std::size_t size() const { return calls_.size(); }

 private:
  std::map<calls::CallHandle, BookedCall> calls_;
};

}  // namespace dialcore::control::appliance
