#include "control/appliance/call_in_line.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "control/store/sip_ha1.hpp"

namespace dialcore::control::appliance {

using calls::CallEventKind;

namespace {
constexpr int kMaxWrong = 3;
constexpr std::size_t kMaxField = 16;  // digits per field: longer is a wrong entry
}  // namespace

CallInLine::CallInLine(boost::asio::io_context& io, calls::CallController& calls,
                       store::Store& store, AgentVoice& voice, std::string realm)
    : io_(io), calls_(calls), store_(store), voice_(voice), realm_(std::move(realm)) {}

bool CallInLine::is_access(const std::string& did) const {
  return !did.empty() && std::find(numbers_.begin(), numbers_.end(), did) != numbers_.end();
}

void CallInLine::take(calls::CallHandle call) {
  ++counters_.calls;
  Pending& p = calls_in_[call];
  p.timer = std::make_unique<boost::asio::steady_timer>(io_, key_limit_);
  p.timer->async_wait([this, call](boost::system::error_code ec) {
    if (ec) return;
    const auto it = calls_in_.find(call);
    if (it == calls_in_.end() || it->second.adopted) return;
    ++counters_.dropped;
    calls_.hangup(call);
  });
}

bool CallInLine::verify(const std::string& agent_id, const std::string& pin,
                        std::int64_t& agent) const {
  if (agent_id.empty() || pin.empty()) return false;
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(agent_id.data(), agent_id.data() + agent_id.size(), id);
  if (ec != std::errc() || end != agent_id.data() + agent_id.size()) return false;
  auto a = store_.agents().get(id);
  if (!a.ok() || !a->login_enabled || a->locked || a->sip_username.empty() || a->sip_ha1.empty()) {
    return false;
  }
  if (store::sip_ha1(a->sip_username, realm_, pin) != a->sip_ha1) return false;
  agent = id;
  return true;
}

void CallInLine::on_digit(calls::CallHandle call, Pending& p, char digit) {
  if (digit == '*') {  // start again
    p.keyed.clear();
    p.agent_id.clear();
    return;
  }
  if (digit != '#') {
    if (p.keyed.size() < kMaxField) p.keyed.push_back(digit);
    return;
  }
  if (p.agent_id.empty()) {
    p.agent_id = std::move(p.keyed);
    p.keyed.clear();
    if (!p.agent_id.empty()) return;  // now the PIN
  }
  std::int64_t agent = 0;
  if (verify(p.agent_id, p.keyed, agent) && voice_.call_in(call, agent)) {
    ++counters_.accepted;
    p.adopted = true;
    p.timer->cancel();
    return;
  }
  ++counters_.refused;
  p.keyed.clear();
  p.agent_id.clear();
  if (++p.wrong >= kMaxWrong) {
    ++counters_.dropped;
    calls_.hangup(call);
  }
}

bool CallInLine::on_event(const calls::CallEvent& e) {
  const auto it = calls_in_.find(e.call);
  if (it == calls_in_.end()) return false;
  Pending& p = it->second;
  if (p.adopted) {
    voice_.on_call_in_event(e);  // the agent's voice leg: beeps, its end (voice lost)
  } else if (e.kind == CallEventKind::Dtmf && e.side == calls::Side::Customer) {
    on_digit(e.call, p, e.digit);
  }
  if (e.kind == CallEventKind::Ended) calls_in_.erase(e.call);
  return true;
}

}  // namespace dialcore::control::appliance
