#include "control/sip/call_registry.hpp"

namespace dialcore::control::sip {

Call& CallRegistry::add(const Call& call) {
  return calls_.insert_or_assign(call.id, call).first->second;
}

Call* CallRegistry::find(CallId id) {
  const auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : &it->second;
}

void CallRegistry::erase(CallId id) { calls_.erase(id); }

}  // namespace dialcore::control::sip
