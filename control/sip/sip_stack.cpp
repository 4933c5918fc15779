#include "control/sip/sip_stack.hpp"

#include "control/sip/sip_engine.hpp"
#include "control/sip/sip_queue.hpp"

#include <chrono>
#include <future>

namespace dialcore::control::sip {

SipStack::SipStack(config::Sip settings, SipEventSink sink, std::size_t queue_capacity)
    : settings_(std::move(settings)),
      sink_(std::move(sink)),
      queue_(std::make_unique<SipQueue>(queue_capacity)) {}

SipStack::~SipStack() { stop(); }

std::optional<std::string> SipStack::start() {
  if (thread_.joinable()) return "sip: already started";
  std::promise<std::optional<std::string>> opened;
  std::future<std::optional<std::string>> result = opened.get_future();
  std::vector<BoundInterface> bound;
  thread_ = std::thread([this, &opened, &bound] {
    SipEngine engine(EngineShared{settings_, *queue_, counters_, sink_, next_call_, live_handles_,
                                  live_calls_, registered_users_});
    std::optional<std::string> error = engine.open(bound);
    if (error) queue_->push(SipCommand{});  // a Shutdown: run() releases what open() made
    opened.set_value(std::move(error));     // `opened` and `bound` die after this returns
    engine.run();
  });
  // The engine's open() is bounded (bind waits 2 s per interface); 10 s covers a slow machine.
  if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    queue_->push(SipCommand{});
    thread_.join();
    return "sip: the SIP thread did not start in 10 s";
  }
  std::optional<std::string> error = result.get();
  if (error) {
    thread_.join();
    return error;
  }
  bound_ = std::move(bound);
  return std::nullopt;
}

void SipStack::stop() {
  if (!thread_.joinable()) return;
  // Shutdown is pushed even when the queue is full: it is never refused.
  while (!queue_->push(SipCommand{})) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  thread_.join();  // bounded: the loop gives nua_shutdown 3 s, then leaves
}

const BoundInterface* SipStack::interface(const std::string& name) const {
  for (const BoundInterface& b : bound_) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

bool SipStack::push(int kind, CallId call, DialRequest dial, std::string sdp, int status) {
  SipCommand command;
  command.kind = static_cast<CommandKind>(kind);
  command.call = call;
  command.dial = std::move(dial);
  command.sdp = std::move(sdp);
  command.status = status;
  return push_command(std::move(command));
}

bool SipStack::push_command(SipCommand&& command) {
  if (!thread_.joinable() || !queue_->push(std::move(command))) {
    SipCounters::bump(counters_.commands_refused);
    return false;
  }
  return true;
}

CallId SipStack::dial(DialRequest request) {
  const CallId id = next_call_.fetch_add(1, std::memory_order_relaxed);
  return push(static_cast<int>(CommandKind::Dial), id, std::move(request), {}, 0) ? id : 0;
}

bool SipStack::answer(CallId call, std::string sdp) {
  return push(static_cast<int>(CommandKind::Answer), call, {}, std::move(sdp), 0);
}

bool SipStack::reject(CallId call, int status) {
  return push(static_cast<int>(CommandKind::Reject), call, {}, {}, status);
}

bool SipStack::ringing(CallId call) {
  return push(static_cast<int>(CommandKind::Ringing), call, {}, {}, 0);
}

bool SipStack::hangup(CallId call) {
  return push(static_cast<int>(CommandKind::Hangup), call, {}, {}, 0);
}

bool SipStack::set_agent_credentials(std::vector<AgentCredential> credentials) {
  SipCommand command;
  command.kind = CommandKind::Credentials;
  command.credentials = std::move(credentials);
  return push_command(std::move(command));
}

CallId SipStack::dial_agent(AgentDialRequest request) {
  SipCommand command;
  command.kind = CommandKind::DialAgent;
  command.call = next_call_.fetch_add(1, std::memory_order_relaxed);
  command.agent_dial = std::move(request);
  const CallId id = command.call;
  return push_command(std::move(command)) ? id : 0;
}

bool SipStack::reoffer(CallId call, std::string sdp) {
  return push(static_cast<int>(CommandKind::Reoffer), call, {}, std::move(sdp), 0);
}

}  // namespace dialcore::control::sip
