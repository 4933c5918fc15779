// CallController::replace_events: a call's owner changes (a blind transfer to a queue).
#include "control/calls/call_controller.hpp"
#include "control/calls/call_record.hpp"

namespace dialcore::control::calls {

CallEventHandler CallController::replace_events(CallHandle id, CallEventHandler events) {
  Call* call = find(id);
  if (call == nullptr) return {};
  CallEventHandler old = std::move(call->handler);
  call->handler = std::move(events);
  return old;
}

}  // namespace dialcore::control::calls
