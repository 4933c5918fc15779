#pragma once
// CallController: the B2BUA (issue 7 part 5). Every call is two legs, the customer's (carrier
// trunk) and the agent's, each with its own SIP dialog (control/sip), its own dataplane leg
// (control/media) and its own SDP offer/answer (control/sdp); both legs sit on one worker and
// are bridged there. It writes the call history (control/history) at every step.
//
// Threads: the control io_context's thread only, including construction; no locks. SIP events
// must reach on_sip_event() on that thread (sip::asio_event_sink). MediaService callbacks run
// there too. Every path of a call ends with its SIP dialogs ended and its media legs destroyed,
// and only then is the owner told Ended (README.md: the state machine).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "control/calls/call_types.hpp"
#include "control/history/call_history.hpp"
#include "control/media/media_service.hpp"
#include "control/sdp/local_media.hpp"
#include "control/sdp/negotiated_media.hpp"
#include "control/sip/sip_stack.hpp"

namespace dialcore::control::calls {

struct Call;
struct CallLeg;

struct CallSettings {
  config::Sip sip;  // trunks: codecs and SRTP policy per trunk; interfaces for inbound calls
  // Milliseconds since the epoch, for the history (time is passed in: injected).
  std::function<std::int64_t()> now_ms;
  // Prefix of the history's call ids ("<prefix>-<n>"): unique across restarts. Empty: random.
  std::string call_id_prefix;
};

class CallController {
 public:
  // `history` may be null (no CDRs written).
  CallController(sip::SipStack& sip, media::MediaService& media, history::CallHistory* history,
                 CallSettings settings);
  ~CallController();
  CallController(const CallController&) = delete;
  CallController& operator=(const CallController&) = delete;

  // Inbound calls: routed by `router` once their leg and answer are ready; their events go to
  // `events`. Without a router every inbound call is refused 480.
  void set_inbound(InboundRouter router, CallEventHandler events);
  // The dataplane's AMD events on a call's legs (MediaService::start_amd on media_leg()):
  // verdicts, a late Correction, beep onsets (dataplane/api/events.hpp AmdEventArgs).
  using AmdHandler = std::function<void(CallHandle, Side, const dataplane::AmdEventArgs&)>;
  void set_amd_handler(AmdHandler handler) { amd_handler_ = std::move(handler); }

  // The SIP stack's sink (through asio_event_sink): every SipEvent of every call.
  void on_sip_event(const sip::SipEvent& event);

  // Outbound: allocate a leg, offer, dial. Returns the call's handle; its events (Ringing,
  // EarlyMedia, Answered, ... Ended) go to `events`, Ended exactly once. 0: refused at once
  // (unknown trunk), nothing started, no event.
  CallHandle originate(const OriginateRequest& request, CallEventHandler events);
  // Connects an agent to a call whose customer leg is up (answered, not bridged): a second leg
  // next to the customer's, our offer through target.dial, bridged on the agent's answer.
  // Its outcome comes as AgentEnded (the customer stays) or Bridged. False: no such call, not
  // up, or an agent leg is already there.
  bool connect_agent(CallHandle call, AgentTarget target);
  // Ends the call from control: BYE (or CANCEL/480 before the answer) on both legs.
  bool hangup(CallHandle call);
  // Ends every call (SIGTERM: calls ended with their CDRs written before the SIP stack stops);
  // each reports Ended(Shutdown) once its legs are gone. Returns how many it ended.
  std::size_t hangup_all();

  // The call's dataplane leg on `side` once allocated (recording, DTMF masking, prompts and
  // stats name it); nullopt otherwise.
  std::optional<media::MediaLeg> media_leg(CallHandle call, Side side) const;

  // Prompts and marks (call_prompts.cpp). play_prompt plays `clip` on side's leg (replacing
  // the bridged audio); `done(played)` runs once: true on AudioEnded after AudioStarted, false
  // when the leg refused it or went away first. PromptStarted/PromptEnded events mark it.
  // False (and no callback): no such call or no ready leg on that side.
  bool play_prompt(CallHandle call, Side side, std::uint32_t clip, std::function<void(bool)> done);
  // The customer leg's CDR ends with cause Abandoned (a live answer no agent took in time).
  bool mark_abandoned(CallHandle call);
  // The customer leg's CDR ends with cause MessageLeft (AMD said machine; the campaign's
  // message played to its end after the beep: amd.on_machine message).
  bool mark_message_left(CallHandle call);
  // The call whose `side` leg is `leg` (dataplane events name legs: AMD verdicts); 0: none.
  CallHandle call_of_leg(const media::MediaLeg& leg, Side side) const;
  // The CallHistory's call id of the call ("<prefix>-<n>"); nullopt: no such call.
  std::optional<std::string> history_id(CallHandle call) const;
  // History milestones on the customer leg: AMD verdict (human, machine, unknown), recording.
  bool record_amd(CallHandle call, std::string_view verdict);
  bool record_recording(CallHandle call, std::string_view path);

  // Transfers, consultations and manual calls (call_joins.cpp; control/appliance's
  // CallTransfers drives them). Legs of different calls may be bridged to each other when they
  // sit on one worker; each call still ends on its own path (Ended once), link() ends them
  // together.
  //
  // originate() with a placement: the customer leg beside `where` (the leg it will be joined to).
  CallHandle originate(const OriginateRequest& request, CallEventHandler events,
                       const media::LegPlacement& where);
  // A call to an agent's handset through target.dial (our offer with target.codecs/srtp): the
  // call's Customer slot is that handset; it runs like an outbound call (Ringing, Answered when
  // the handset answers, Ended). Its CDR leg "a" is internal, with the agent's id. 0: refused.
  CallHandle call_agent(const AgentTarget& target, std::optional<std::int64_t> campaign_id,
                        const media::LegPlacement& where, CallEventHandler events);
  // Bridges call a's `sa` leg to call b's `sb` leg (each unbridged from whatever it was bridged
  // to first). `done(ok)` once the worker answered. False (no callback): a call or a ready leg
  // missing, or the legs on different workers.
  bool join(CallHandle a, Side sa, CallHandle b, Side sb, std::function<void(bool)> done);
  // Lets the agent leg go (BYE, leg destroyed, its CDR ended normal) while the customer stays:
  // the call is Up again with no event. False: no such call, ending, or no agent leg.
  bool drop_agent(CallHandle call);
  // a and b end together: when either ends, the other is hung up. `both` false: only a's end
  // ends b (a consultation dies with the customer's call, not the other way round).
  bool link(CallHandle a, CallHandle b, bool both = true);
  // Holds (we send nothing to the leg: silence) or resumes `side`'s leg from control, with the
  // CDR's hold/retrieve event. False: no such call or no ready leg.
  bool hold(CallHandle call, Side side, bool on, std::function<void(bool)> done);
  // The customer leg's CDR event `transfer` (kind blind|consult, target "agent:7", a number).
  bool record_transfer(CallHandle call, std::string_view kind, std::string_view target);
  // Three-way conference (call_joins.cpp; issue 8). merge: every ready leg of `first` and
  // `second` (3 or 4, one worker) in one mix on their worker (MediaService::conference_join),
  // each leaving its bridge and its hold; the customer leg of `first` gets the CDR event
  // transfer kind "merge", target the other call's history id. `done(ok)` once the worker
  // answered every join. False (no callback): a call missing or ending, `first` without an
  // agent leg, fewer than 3 ready legs, another worker, or one of them already merged.
  bool merge(CallHandle first, CallHandle second, std::function<void(bool)> done);
  // `first`'s agent leg leaves the conference merge() made (either call may be named).
  // terminate: every call of it ends (CDR transfer kind "terminate"). Otherwise (kind "leave")
  // the agent leg leaves the mix and is let go (drop_agent: BYE), the worker bridges the other
  // two, and the two calls are linked both ways (either ends, both end). False: not merged.
  bool leave(CallHandle call, bool terminate);
  CallHandle merged_with(CallHandle call) const;  // the other call of a merge; 0 none

  std::vector<CallHandle> call_handles() const;  // every live call (tests, shutdown reports)

  const CallCounters& counters() const { return counters_; }
  std::size_t live_calls() const { return calls_.size(); }
  std::size_t live_media_legs() const { return media_legs_; }
  std::size_t live_sip_legs() const { return by_sip_.size(); }

 private:
  using Reply = media::ReplyStatus;

  Call* find(CallHandle id);
  Call& new_call(bool inbound, CallEventHandler handler);
  void emit(Call& call, CallEvent event);
  std::int64_t now_ms() const;

  // Legs (call_legs.cpp): media allocation, SDP, programming, release.
  void allocate(Call& call, Side side, const media::LegPlacement& where,
                std::function<void(Call&)> ready);
  void on_media_event(CallHandle id, Side side, const dataplane::Event& event);
  void program(Call& call, Side side, const sdp::NegotiatedMedia& media,
               std::function<void(Call&)> done);
  void destroy_media(Call& call, Side side);
  void send_destroy(CallHandle id, Side side, media::MediaLeg target, int attempt);
  void release_leg(Call& call, Side side);
  void on_prompt_event(Call& call, Side side, const dataplane::Event& event);
  static void finish_prompt(CallLeg& leg, bool played);
  void bind_sip(Call& call, Side side, sip::CallId sip);
  sdp::LocalMedia local_media(const std::vector<std::string>& codecs, config::SrtpPolicy srtp,
                              const dataplane::NetAddress& address) const;

  // Outbound (outbound_calls.cpp).
  void dial_customer(Call& call);
  CallHandle start_outbound(Call& call, const media::LegPlacement& where);
  void on_customer_progress(Call& call, const sip::SipEvent& e);
  void on_customer_answered(Call& call, const sip::SipEvent& e);
  // The far end's answer to our offer on `side`; nullopt after failing that leg.
  std::optional<sdp::NegotiatedMedia> take_answer(Call& call, Side side, const sip::SipEvent& e);
  // Agent leg (agent_legs.cpp).
  void dial_agent(Call& call, AgentDialer dial);
  void on_agent_answered(Call& call, const sip::SipEvent& e);
  void agent_failed(Call& call, CallOutcome outcome, int status);
  // Inbound (inbound_calls.cpp).
  void on_incoming(const sip::SipEvent& e);
  void answer_incoming(Call& call);
  void on_offer(Call& call, Side side, const sip::SipEvent& e);
  // Teardown (call_teardown.cpp).
  void on_leg_ended(Call& call, Side side, const sip::SipEvent& e);
  void fail_leg(Call& call, Side side, CallOutcome outcome, int status = 0);
  void end_call(Call& call, CallOutcome outcome, int status = 0);
  void maybe_finish(Call& call);

  // History (call_teardown.cpp): failures are counted, never fatal to the call.
  void history_started(Call& call, Side side, std::string from, std::string to);
  void history_ended(Call& call, Side side, CallOutcome outcome);
  template <typename Write>
  void record(Write&& write) {
    if (history_ != nullptr && !write().ok()) ++counters_.history_errors;
  }

  sip::SipStack& sip_;
  media::MediaService& media_;
  history::CallHistory* history_;
  CallSettings settings_;
  InboundRouter router_;
  CallEventHandler inbound_events_;
  AmdHandler amd_handler_;
  std::unordered_map<CallHandle, std::unique_ptr<Call>> calls_;
  std::unordered_map<sip::CallId, std::pair<CallHandle, Side>> by_sip_;
  CallHandle next_id_ = 1;
  std::size_t media_legs_ = 0;  // Allocating, Ready or Destroying
  CallCounters counters_;

  // --- Standing agent legs and ring timeouts (agent_legs.cpp; issue 8, for control/appliance's
  // persistent voice connections). A standing leg is the agent's voice held open for a session:
  // an agent-only call placed by open_agent_leg (call-me), or an inbound call adopted by
  // adopt_standing (call-in: its customer-side leg is the agent). Customer calls are bridged to
  // it one at a time by bridge_standing; when the customer call ends the worker unbridges the
  // standing leg, which stays up (silent) for the next call.
 public:
  // Call-me persistent: an agent-only call, its leg allocated on any worker and offered through
  // target.dial. Events: AgentRinging, AgentAnswered (the leg is up and idle), Dtmf, Held/
  // Resumed, PromptStarted/PromptEnded, AgentEnded (the leg failed or ended: the owner hangs the
  // call up), Ended. 0: refused at once (no dialer).
  CallHandle open_agent_leg(AgentTarget target, CallEventHandler events);
  // The owner's SIP sink calls this BEFORE on_sip_event: a standing leg's 200 is programmed
  // here (the ordinary agent path would bridge it to a customer leg it does not have). True:
  // the event was taken; false: pass it to on_sip_event.
  bool on_standing_event(const sip::SipEvent& event);
  // Call-in: the inbound call `call` (Up, no agent leg) becomes agent `agent_id`'s standing leg.
  bool adopt_standing(CallHandle call, std::int64_t agent_id);
  // Bridges customer call `customer` (Up, no agent leg) to the idle standing leg of `standing`
  // on the same worker; with `beep` that clip plays on the standing leg first (the agent hears
  // it before the customer). Then Bridged on `customer`, or AgentEnded (MediaFailure, Failed)
  // with the customer still up. False, nothing started: not Up, busy, another worker.
  bool bridge_standing(CallHandle customer, CallHandle standing, std::optional<std::uint32_t> beep);
  // The customer call bridged to (or joining) standing call `standing`; 0 none.
  CallHandle standing_peer(CallHandle standing) const;
  // Gives up the ringing agent leg of `call` (a ring timeout): CANCEL; the customer stays and
  // AgentEnded(Cancelled) follows. False: no agent leg, or it has answered already.
  bool cancel_agent(CallHandle call);

 private:
  struct Standing {
    Side side = Side::Agent;  // the call's leg that is the agent's voice
    CallHandle peer = 0;      // the customer call bridged to it (or joining); 0 none
  };
  void join_standing(CallHandle customer, CallHandle standing);
  void standing_failed(CallHandle customer, CallHandle standing, CallOutcome outcome);
  std::unordered_map<CallHandle, Standing> standing_;
  std::unordered_map<CallHandle, CallHandle> merged_;  // merge(): first → second

  // --- Queue transfers (queue_transfer.cpp; issue 8, for control/appliance's QueueRouter) ---
 public:
  // The call's events go to `events` from now on; returns the handler they went to (empty: no
  // such call, or it had none). A blind transfer to a queue hands the customer's call to the
  // queue this way (the old owner is still told of the call's Ended by the new one).
  CallEventHandler replace_events(CallHandle call, CallEventHandler events);
};

}  // namespace dialcore::control::calls
