// MediaService's conference commands (ConferenceJoin/ConferenceLeave, dataplane commands 24-25;
// issue 8): legs of one worker in a mix (dataplane/worker/conference.hpp).
#include "control/media/media_service.hpp"

namespace dialcore::control::media {

namespace dp = dataplane;

void MediaService::conference_join(const MediaLeg& leg, const MediaLeg& with, Done done) {
  if (leg.worker != with.worker) {  // a mix never crosses workers
    fail_soon(std::move(done), ReplyStatus::WrongState);
    return;
  }
  leg_command(leg, dp::ConferenceJoinArgs{with.id}, std::move(done));
}

void MediaService::conference_leave(const MediaLeg& leg, Done done) {
  leg_command(leg, dp::ConferenceLeaveArgs{}, std::move(done));
}

}  // namespace dialcore::control::media
