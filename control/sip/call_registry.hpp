#pragma once
// Internal to control/sip: the SIP thread's table of calls, keyed by call id. Each call holds
// the one nua_handle_t of its dialog (sofia's type only forward-declared here). Only the SIP
// thread touches it.

#include "control/sip/sip_types.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

struct nua_handle_s;

namespace dialcore::control::sip {

enum class CallDirection : std::uint8_t { Outbound, Inbound };
enum class CallPhase : std::uint8_t { Calling, Early, Up };

struct Call {
  CallId id = 0;
  CallDirection direction = CallDirection::Outbound;
  nua_handle_s* handle = nullptr;
  std::size_t interface = 0;  // index into config::Sip::interfaces
  int trunk = -1;             // outbound: index into config::Sip::trunks
  CallPhase phase = CallPhase::Calling;
  bool offer_pending = false;  // an INVITE (initial or re-) waits for answer()/reject()
  bool confirmed = false;      // inbound: the ACK of our first 2xx arrived
  bool auth_tried = false;     // we answered one challenge already: a second one fails the call
  bool cancelled_on_timeout = false;
  bool cancelled_by_us = false;
  bool reoffer_pending = false;  // our re-INVITE waits for its final response
  std::uint64_t invite_deadline_ms = 0;  // outbound, not answered: CANCEL at this time
  // The reaper (dialog_reaper.cpp): when the far end was last heard in this dialog, whether
  // our in-dialog OPTIONS probe waits for its answer, and when a call whose teardown (or
  // un-ACKed 2xx) sofia has not closed is finished by force (0: not armed).
  std::uint64_t last_heard_ms = 0;
  bool probe_pending = false;
  std::uint8_t probe_failures = 0;  // 503s in a row to our probe
  std::uint64_t reap_deadline_ms = 0;
  CallEnd end = CallEnd::None;           // recorded when known, reported when the call ends
  int end_status = 0;
};

class CallRegistry {
 public:
  // `live_handles` counts handles we hold (created or adopted, not yet destroyed); control
  // reads it. Relaxed: a gauge for tests and metrics.
  explicit CallRegistry(std::atomic<std::size_t>& live_handles) : live_handles_(live_handles) {}

  Call& add(const Call& call);
  Call* find(CallId id);
  void erase(CallId id);
  std::size_t size() const { return calls_.size(); }
  std::unordered_map<CallId, Call>& all() { return calls_; }

  void handle_adopted() { live_handles_.fetch_add(1, std::memory_order_relaxed); }
  void handle_released() { live_handles_.fetch_sub(1, std::memory_order_relaxed); }

 private:
  std::unordered_map<CallId, Call> calls_;
  std::atomic<std::size_t>& live_handles_;
};

}  // namespace dialcore::control::sip

namespace dialcore::control::sip {

// A call id travels as the nua handle's magic pointer (never dereferenced), so a late event
// for a finished call finds nothing in the table instead of a dangling pointer.
inline void* call_magic(CallId id) {
  return reinterpret_cast<void*>(static_cast<std::uintptr_t>(id));
}
inline CallId call_of_magic(const void* magic) {
  return static_cast<CallId>(reinterpret_cast<std::uintptr_t>(magic));
}

}  // namespace dialcore::control::sip
