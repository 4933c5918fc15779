#pragma once
// FloorCallControl: the agent floor's CallControl on the B2BUA (CallController) and the
// dataplane (MediaService). The floor's call id is CallController's call handle.
//
// Built: hang_up, answer (calls reach the agent already answered: auto-answer on the
// handset), hold/resume (the customer leg held on its worker: the customer hears silence; the
// CDR gets hold/retrieve), mute (the agent leg muted), recording start/stop/pause/resume/tag on
// the customer leg, mask_dtmf on the customer leg (the agent and the recording hear no tones;
// the digits are still reported to the floor). Voice: connect_voice/disconnect_voice go to
// AgentVoice (agent_voice.hpp: per-call legs, a persistent call-me leg, call-in).
// With set_transfers(): blind transfer (agent, number), consult / complete / cancel, manual
// calls and announcements (CallTransfers, call_transfers.hpp); queue targets answer
// fail("not_supported"). Merge and leave: CallConference (call_conference.hpp), a mix on the
// legs' worker.
// Control thread only; never blocks.

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "control/appliance/call_conference.hpp"
#include "control/appliance/call_transfers.hpp"
#include "control/calls/call_controller.hpp"
#include "control/floor/call_control.hpp"
#include "control/media/media_service.hpp"

namespace dialcore::control::floor {
class Floor;
}

namespace dialcore::control::appliance {

class AgentVoice;

struct FloorCallCounters {
  std::uint64_t media_refused = 0;  // a hold/mute/recording/mask command the worker refused
  std::uint64_t not_supported = 0;  // controls not built yet
};

class FloorCallControl final : public floor::CallControl {
 public:
  using HandsetOf = std::function<std::optional<std::string>(floor::AgentId)>;
  FloorCallControl(boost::asio::io_context& io, calls::CallController& calls,
                   media::MediaService& media, HandsetOf handset);
  void set_floor(floor::Floor* f);
  // Transfers, consultations, manual calls and announcements (without: "not_supported").
  void set_transfers(TransferSetup setup);
  const CallTransfers* transfers() const { return transfers_.get(); }
  CallTransfers* transfers() { return transfers_.get(); }
  // The voice connections (call-me/call-in, persistent or not); null: per-call legs only.
  void set_voice(AgentVoice* v) { voice_ = v; }
  // The inbound queue a call waited in (its config id), for the recording path's {queue}.
  using QueueOf = std::function<std::optional<std::string>(calls::CallHandle)>;
  void set_queue_of(QueueOf q) { queue_of_ = std::move(q); }

  floor::CallResult connect_voice(floor::AgentId agent, const floor::VoiceRequest& request) override;
  floor::CallResult disconnect_voice(floor::AgentId agent) override;
  floor::CallResult answer(floor::AgentId agent, floor::CallId call) override;
  floor::CallResult hang_up(floor::AgentId agent, floor::CallId call) override;
  floor::CallResult hold(floor::AgentId agent, floor::CallId call, bool on) override;
  floor::CallResult mute(floor::AgentId agent, floor::CallId call, bool on) override;
  floor::CallResult blind_transfer(floor::AgentId agent, floor::CallId call,
                                   const floor::TransferTarget& to) override;
  floor::CallResult consult(floor::AgentId agent, floor::CallId held,
                            const floor::TransferTarget& to) override;
  floor::CallResult complete_transfer(floor::AgentId agent, floor::CallId held,
                                      floor::CallId consult) override;
  floor::CallResult merge(floor::AgentId agent, floor::CallId first, floor::CallId second) override;
  floor::CallResult leave(floor::AgentId agent, bool terminate) override;
  floor::CallResult manual_call(floor::AgentId agent, std::int64_t campaign_id,
                                const std::string& number) override;
  floor::CallResult recording(floor::AgentId agent, floor::CallId call,
                              floor::RecordingAction action, const std::string& tag) override;
  floor::CallResult play_announcement(floor::AgentId agent, floor::CallId call,
                                      const std::string& prompt) override;
  floor::CallResult mask_dtmf(floor::CallId call, bool on) override;

  const FloorCallCounters& counters() const { return counters_; }
  const CallConference& conference() const { return conference_; }

 private:
  floor::CallResult not_supported();
  FloorLegs legs(floor::CallId call) const;  // which legs the floor's call id names
  media::Done counted();  // a completion that counts a refusal (the request was accepted)

  boost::asio::io_context& io_;
  calls::CallController& calls_;
  media::MediaService& media_;
  HandsetOf handset_;
  floor::Floor* floor_ = nullptr;
  std::unique_ptr<CallTransfers> transfers_;
  AgentVoice* voice_ = nullptr;
  CallConference conference_{calls_};
  QueueOf queue_of_;
  FloorCallCounters counters_;
};

}  // namespace dialcore::control::appliance
