#pragma once
// Internal to control/sip: the agents' registrar bindings (RFC 3261 10.3), by SIP username.
// Several contacts per user; each expires on its own; the tick removes expired ones. Each
// binding keeps the address the REGISTER came from, so a handset behind NAT is reached there
// (rport/received) whatever its Contact says. Only the SIP thread touches it; time passed in.

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace dialcore::control::sip {

struct Binding {
  std::string contact;  // the Contact URI as registered, e.g. "sip:ext101@10.0.0.5:5062"
  std::string source;   // where the REGISTER came from: "sip:203.0.113.7:40123;transport=udp"
  std::string call_id;  // RFC 3261 10.3 step 7: a lower CSeq in the same Call-ID is refused
  std::uint32_t cseq = 0;
  std::uint64_t registered_ms = 0;  // most recent refresh
  std::uint64_t expires_ms = 0;
};

struct ContactUpdate {
  std::string contact;
  std::uint32_t expires_s = 0;  // 0: remove this contact
};

class BindingTable {
 public:
  // Applies one REGISTER's contacts for `user`; false (nothing changed) when `call_id` is a
  // binding's with a CSeq not above its own (an out-of-order retransmission).
  bool apply(const std::string& user, const std::vector<ContactUpdate>& updates,
             const std::string& source, const std::string& call_id, std::uint32_t cseq,
             std::uint64_t now_ms);
  void remove_all(const std::string& user);  // "Contact: *" with Expires: 0
  // Removes expired bindings; returns the users left with none (they were registered before).
  std::vector<std::string> expire(std::uint64_t now_ms);

  const std::vector<Binding>* find(const std::string& user) const;
  // The most recently refreshed binding of `user` (the fork policy: no parallel forking).
  const Binding* latest(const std::string& user) const;
  std::size_t count(const std::string& user) const;
  std::size_t users() const { return by_user_.size(); }
  std::vector<std::string> user_names() const;

 private:
  std::unordered_map<std::string, std::vector<Binding>> by_user_;
};

}  // namespace dialcore::control::sip
