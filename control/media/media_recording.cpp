// MediaService's recording commands (StartRecording..TagRecording, dataplane commands 17-21).
#include <algorithm>
#include <string_view>

#include "control/media/media_service.hpp"

namespace dialcore::control::media {

namespace dp = dataplane;

namespace {

// Copies `text` NUL-padded into `out`; false when it does not fit with its NUL.
template <std::size_t N>
bool put(std::array<char, N>& out, std::string_view text) {
  if (text.size() >= N) return false;
  std::copy(text.begin(), text.end(), out.begin());
  return true;
}

}  // namespace

void MediaService::start_recording(const MediaLeg& customer, const RecordingRequest& request,
                                   RecordingDone done) {
  dp::StartRecordingArgs args;
  args.start_unix_ms = request.start_unix_ms;
  args.sample_rate_hz = request.sample_rate_hz;
  args.format = request.format;
  // An inbound queue's call names its queue where a campaign's names the campaign.
  const bool queued = !request.queue.empty();
  args.group = queued ? 1 : 0;
  const bool ok = !request.call_id.empty() && put(args.call_id, request.call_id) &&
                  (!queued || request.campaign.empty()) &&
                  put(args.campaign, queued ? request.queue : request.campaign) &&
                  put(args.agent, request.agent) &&
                  (request.sample_rate_hz == 8000 || request.sample_rate_hz == 16000) &&
                  request.format <= 2;
  if (!ok || customer.worker >= lanes_.size() || !customer.id.valid()) {
    fail_soon([done](ReplyStatus s) { done(s, dp::StartRecordingReplyArgs{}); },
              ok ? ReplyStatus::StaleLeg : ReplyStatus::BadArgument);
    return;
  }
  submit(customer.worker, dp::make_command(customer.id, args),
         [done = std::move(done)](const dp::Event& e) {
           if (done) {
             done(e.status, e.status == ReplyStatus::Ok ? e.args<dp::StartRecordingReplyArgs>()
                                                        : dp::StartRecordingReplyArgs{});
           }
         });
}

void MediaService::stop_recording(const MediaLeg& customer, Done done) {
  leg_command(customer, dp::StopRecordingArgs{}, std::move(done));
}

void MediaService::pause_recording(const MediaLeg& customer, Done done) {
  leg_command(customer, dp::PauseRecordingArgs{}, std::move(done));
}

void MediaService::resume_recording(const MediaLeg& customer, Done done) {
  leg_command(customer, dp::ResumeRecordingArgs{}, std::move(done));
}

void MediaService::tag_recording(const MediaLeg& customer, std::string_view text, Done done) {
  dp::TagRecordingArgs args;
  if (!put(args.text, text)) {
    fail_soon(std::move(done), ReplyStatus::BadArgument);
    return;
  }
  leg_command(customer, args, std::move(done));
}

}  // namespace dialcore::control::media
