#include "control/sip/bindings.hpp"

#include <algorithm>

namespace dialcore::control::sip {

bool BindingTable::apply(const std::string& user, const std::vector<ContactUpdate>& updates,
                         const std::string& source, const std::string& call_id, std::uint32_t cseq,
                         std::uint64_t now_ms) {
  std::vector<Binding>& list = by_user_[user];
  for (const ContactUpdate& u : updates) {
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const Binding& b) { return b.contact == u.contact; });
    if (it != list.end() && it->call_id == call_id && cseq <= it->cseq) {
      if (list.empty()) by_user_.erase(user);
      return false;
    }
  }
  for (const ContactUpdate& u : updates) {
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const Binding& b) { return b.contact == u.contact; });
    if (u.expires_s == 0) {
      if (it != list.end()) list.erase(it);
      continue;
    }
    if (it == list.end()) it = list.insert(list.end(), Binding{u.contact, {}, {}, 0, 0, 0});
    it->source = source;
    it->call_id = call_id;
    it->cseq = cseq;
    it->registered_ms = now_ms;
    it->expires_ms = now_ms + std::uint64_t{u.expires_s} * 1000;
  }
  if (list.empty()) by_user_.erase(user);
  return true;
}

void BindingTable::remove_all(const std::string& user) { by_user_.erase(user); }

std::vector<std::string> BindingTable::expire(std::uint64_t now_ms) {
  std::vector<std::string> emptied;
  for (auto it = by_user_.begin(); it != by_user_.end();) {
    auto& list = it->second;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const Binding& b) { return b.expires_ms <= now_ms; }),
               list.end());
    if (list.empty()) {
      emptied.push_back(it->first);
      it = by_user_.erase(it);
    } else {
      ++it;
    }
  }
  return emptied;
}

const std::vector<Binding>* BindingTable::find(const std::string& user) const {
  auto it = by_user_.find(user);
  return it == by_user_.end() ? nullptr : &it->second;
}

const Binding* BindingTable::latest(const std::string& user) const {
  const auto* list = find(user);
  if (list == nullptr || list->empty()) return nullptr;
  return &*std::max_element(list->begin(), list->end(), [](const Binding& a, const Binding& b) {
    return a.registered_ms < b.registered_ms;
  });
}

std::vector<std::string> BindingTable::user_names() const {
  std::vector<std::string> out;
  out.reserve(by_user_.size());
  for (const auto& [user, list] : by_user_) out.push_back(user);
  return out;
}

std::size_t BindingTable::count(const std::string& user) const {
  const auto* list = find(user);
  return list == nullptr ? 0 : list->size();
}

}  // namespace dialcore::control::sip
