#pragma once
// The recorder's state events as dataplane Events (EventType::RecordingState), for control to
// hand on like a worker's own events: `for (e : service.poll_events()) to_api_event(e)`.

#include "dataplane/api/events.hpp"
#include "dataplane/recording/recording_types.hpp"

namespace dialcore::dataplane::recording {

inline Event to_api_event(const RecordingEvent& e) noexcept {
  RecordingStateArgs a;
  a.worker = e.id.worker;
  a.slot = e.id.slot;
  a.generation = e.id.generation;
  a.state = static_cast<std::uint8_t>(e.state);
  a.reason = static_cast<std::uint8_t>(e.reason);
  a.error = e.error;
  a.offset_frames = e.offset_frames;
  a.frames = e.frames;
  return make_event(EventType::RecordingState, LegId::invalid(), a);
}

inline RecordingId recording_id(const StartRecordingReplyArgs& r) noexcept {
  return RecordingId{r.worker, r.slot, r.generation};
}

}  // namespace dialcore::dataplane::recording
