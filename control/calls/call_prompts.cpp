// CallController: prompts played on a leg (the abandon message, announcements), the abandon
// mark and the history milestones the call's owner reports (AMD verdict, recording path).

#include <utility>

#include "control/calls/call_controller.hpp"
#include "control/calls/call_record.hpp"

namespace dialcore::control::calls {

void CallController::finish_prompt(CallLeg& leg, bool played) {
  if (!leg.prompt_done) return;
  auto done = std::move(leg.prompt_done);
  leg.prompt_done = nullptr;
  leg.prompt_started = false;
  done(played);
}

bool CallController::play_prompt(CallHandle id, Side side, std::uint32_t clip,
                                 std::function<void(bool)> done) {
  Call* call = find(id);
  if (call == nullptr || call->state == CallState::Ending) return false;
  CallLeg& leg = call->leg(side);
  if (leg.media_state != MediaState::Ready) return false;
  finish_prompt(leg, false);  // a new PlayAudio stops the one before (its AudioEnded is stale)
  leg.prompt_done = std::move(done);
  leg.prompt_started = false;
  dataplane::PlayAudioArgs args;
  args.clip_id = clip;
  args.repeat = 1;
  media_.play_audio(leg.media, args, [this, id, side](Reply status) {
    if (status == Reply::Ok) return;
    ++counters_.prompts_failed;
    if (Call* c = find(id)) finish_prompt(c->leg(side), false);
  });
  return true;
}

void CallController::on_prompt_event(Call& call, Side side, const dataplane::Event& e) {
  CallLeg& leg = call.leg(side);
  if (e.type == dataplane::EventType::AudioStarted) {
    ++counters_.prompts_started;
    leg.prompt_started = true;
    emit(call, {CallEventKind::PromptStarted, 0, side});
    return;
  }
  const bool played = leg.prompt_started;
  emit(call, {CallEventKind::PromptEnded, 0, side});
  // emit() may have ended the call; look it up again.
  if (Call* c = find(call.id); c != nullptr && played) finish_prompt(c->leg(side), true);
}

CallHandle CallController::call_of_leg(const media::MediaLeg& leg, Side side) const {
  for (const auto& [id, call] : calls_) {  // one lookup per call (AMD): a scan is cheap enough
    const CallLeg& l = call->legs[static_cast<std::size_t>(side)];
    if (l.media_state == MediaState::Ready && l.media == leg) return id;
  }
  return 0;
}

std::vector<CallHandle> CallController::call_handles() const {
  std::vector<CallHandle> out;
  out.reserve(calls_.size());
  for (const auto& [id, call] : calls_) out.push_back(id);
  return out;
}

bool CallController::mark_abandoned(CallHandle id) {
  Call* call = find(id);
  if (call == nullptr) return false;
  call->abandoned = true;
  return true;
}

bool CallController::mark_message_left(CallHandle id) {
  Call* call = find(id);
  if (call == nullptr) return false;
  call->message_left = true;
  return true;
}

std::optional<std::string> CallController::history_id(CallHandle id) const {
  const auto it = calls_.find(id);
  if (it == calls_.end()) return std::nullopt;
  return it->second->history_id;
}

bool CallController::record_amd(CallHandle id, std::string_view verdict) {
  Call* call = find(id);
  if (call == nullptr || !call->leg(Side::Customer).history_open) return false;
  const std::int64_t at = now_ms();
  record([&] { return history_->amd(call->history_id, "a", verdict, at); });
  return true;
}

bool CallController::record_recording(CallHandle id, std::string_view path) {
  Call* call = find(id);
  if (call == nullptr || !call->leg(Side::Customer).history_open) return false;
  const std::int64_t at = now_ms();
  record([&] { return history_->recording(call->history_id, "a", path, at); });
  return true;
}

}  // namespace dialcore::control::calls
