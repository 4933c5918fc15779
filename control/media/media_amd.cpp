// MediaService's answering-machine detection commands (StartAmd/StopAmd, dataplane commands
// 22-23) and amd_args(), the campaign's config as their arguments.
#include "control/media/media_amd.hpp"

#include "control/media/media_service.hpp"

namespace dialcore::control::media {

namespace dp = dataplane;

dp::AmdArgs amd_args(const config::Amd& amd) noexcept {
  dp::AmdArgs a;
  a.initial_silence_ms = amd.initial_silence_ms;
  a.greeting_ms = amd.greeting_ms;
  a.after_greeting_silence_ms = amd.after_greeting_silence_ms;
  a.total_analysis_ms = amd.total_analysis_ms;
  a.min_word_ms = amd.min_word_ms;
  a.between_words_silence_ms = amd.between_words_silence_ms;
  a.max_words = amd.max_words;
  a.report_beep = amd.on_machine == config::MachineAction::Message;
  return a;
}

void MediaService::start_amd(const MediaLeg& leg, const dp::AmdArgs& args, Done done) {
  leg_command(leg, args, std::move(done));
}

void MediaService::stop_amd(const MediaLeg& leg, Done done) {
  leg_command(leg, dp::StopAmdArgs{}, std::move(done));
}

}  // namespace dialcore::control::media
