// queues (issue 8) and campaigns with their dialler, AMD and compliance settings (issue 9).
#include "config/sections.hpp"
#include "config/values.hpp"

namespace dialcore::config::detail {

void parse_queue(MapReader& in, Queue& out) {
  checked_text(in, "id", out.id, check_identifier, Need::Required);
  in.text("name", out.name, Need::Required);
  in.texts("teams", out.teams, Need::Required);
  in.each_text("dids", [&](const std::string& did, const std::string& path) {
    if (std::string why = check_phone_number(did); !why.empty()) {
      in.diag().error_at(path, why);
    } else {
      out.dids.push_back(did);
    }
  });
  in.choice("strategy", out.strategy,
            {{"ring-all", QueueStrategy::RingAll},
             {"longest-idle", QueueStrategy::LongestIdle},
             {"fewest-calls", QueueStrategy::FewestCalls},
             {"round-robin", QueueStrategy::RoundRobin},
             {"random", QueueStrategy::Random},
             {"skill-weighted", QueueStrategy::SkillWeighted}});
  in.integer("ring_timeout_s", out.ring_timeout_s, 5, 300);
  in.integer("wrap_s", out.wrap_s, 0, 3600);
  in.integer("max_wait_s", out.max_wait_s, 10, 86400);
  in.choice("overflow", out.overflow,
            {{"hangup", OverflowAction::Hangup},
             {"queue", OverflowAction::Queue},
             {"voicemail", OverflowAction::Voicemail}});
  in.text("overflow_queue", out.overflow_queue);
  if (out.overflow == OverflowAction::Queue && out.overflow_queue.empty()) {
    in.diag().error_at(in.key_path("overflow"), "overflow: queue needs overflow_queue");
  } else if (out.overflow != OverflowAction::Queue && !out.overflow_queue.empty()) {
    in.diag().error_at(in.key_path("overflow_queue"), "is only used with overflow: queue");
  }
  if (auto sl = in.map("service_level")) {
    sl->integer("answered_within_s", out.service_level_s, 1, 3600);
    sl->integer("target_percent", out.service_level_percent, 1, 100);
    sl->done();
  }
  in.integer("announce_interval_s", out.announce_interval_s, 0, 3600);
  in.texts("wrap_codes", out.wrap_codes);
}

namespace {

// Strategy parameters are accepted only with the strategy they belong to, so a typo in the
// strategy does not silently drop a carefully chosen ratio.
void parse_dialler(MapReader& in, Dialler& out) {
  in.choice("strategy", out.strategy,
            {{"preview", DialStrategy::Preview},
             {"progressive", DialStrategy::Progressive},
             {"predictive", DialStrategy::Predictive},
             {"power", DialStrategy::Power}},
            Need::Required);
  const auto only_for = [&](const char* key, bool allowed, const char* strategies) {
    if (!allowed && in.has(key)) {
      in.diag().error_at(in.key_path(key), std::string("applies only to strategy ") + strategies);
    }
  };
  in.integer("preview_timeout_s", out.preview_timeout_s, 0, 3600);
  in.number("lines_per_agent", out.lines_per_agent, 1.0, 10.0);
  in.number("max_lines_per_agent", out.max_lines_per_agent, 1.0, 10.0);
  in.integer("min_idle_agents_inbound", out.min_idle_agents_inbound, 0, 1000);
  const DialStrategy s = out.strategy;
  only_for("preview_timeout_s", s == DialStrategy::Preview || s == DialStrategy::Progressive,
           "preview or progressive");
  only_for("lines_per_agent", s == DialStrategy::Power, "power");
  only_for("max_lines_per_agent", s == DialStrategy::Predictive, "predictive");
  in.done();
}

void parse_amd(MapReader& in, Amd& out) {
  in.flag("enabled", out.enabled);
  in.integer("initial_silence_ms", out.initial_silence_ms, 500, 10000);
  in.integer("greeting_ms", out.greeting_ms, 500, 10000);
  in.integer("after_greeting_silence_ms", out.after_greeting_silence_ms, 100, 5000);
  in.integer("total_analysis_ms", out.total_analysis_ms, 1000, 10000);
  in.integer("min_word_ms", out.min_word_ms, 20, 1000);
  // Asterisk's word counting: still read (a config written for app_amd loads), never used. Our
  // detector decides on the greeting's length and the pause after it (and voicing, tones), and
  // word counting measured no better on amd-dev (dataplane/dsp/README.md): a warning says so.
  for (const char* key : {"between_words_silence_ms", "max_words"}) {
    if (!in.has(key)) continue;
    in.diag().warning(in.diag().where(in.key_path(key)), in.key_path(key),
                      "deprecated and ignored: the AMD does not count words (it measures the "
                      "greeting and the pause after it); remove the key");
  }
  in.integer("between_words_silence_ms", out.between_words_silence_ms, 20, 1000);
  in.integer("max_words", out.max_words, 1, 20);
  in.choice("on_machine", out.on_machine,
            {{"hangup", MachineAction::Hangup},
             {"message", MachineAction::Message},
             {"agent", MachineAction::Agent}});
  in.text("message_prompt", out.message_prompt);
  if (out.on_machine == MachineAction::Message && out.message_prompt.empty()) {
    in.diag().error_at(in.key_path("on_machine"),
                       "is message but amd.message_prompt names no prompt to leave");
  }
  if (out.total_analysis_ms < out.initial_silence_ms) {
    in.diag().error_at(in.key_path("total_analysis_ms"), "is shorter than initial_silence_ms");
  }
  in.done();
}

}  // namespace

void parse_campaign(MapReader& in, Campaign& out) {
  checked_text(in, "id", out.id, check_identifier, Need::Required);
  in.text("name", out.name, Need::Required);
  in.texts("teams", out.teams, Need::Required);
  in.text("queue", out.queue);
  in.text("trunk", out.trunk);
  if (auto dialler = in.map("dialler", Need::Required)) parse_dialler(*dialler, out.dialler);
  if (auto abandon = in.map("abandon")) {
    abandon->number("target_percent", out.abandon_target_percent, 0.0, 5.0);
    abandon->choice("ledger", out.abandon_ledger,
                    {{"uk", AbandonLedger::Uk}, {"us", AbandonLedger::Us}});
    abandon->text("message", out.abandon_message);
    abandon->done();
  }
  if (auto amd = in.map("amd")) parse_amd(*amd, out.amd);
  if (auto wrap = in.map("wrap")) {
    wrap->integer("timer_s", out.wrap_timer_s, 0, 3600);
    wrap->text("auto_wrap_code", out.auto_wrap_code);
    wrap->integer("extension_s", out.wrap_extension_s, 0, 3600);
    wrap->texts("codes", out.wrap_codes);
    if (out.wrap_timer_s > 0 && out.auto_wrap_code.empty()) {
      wrap->diag().error_at(wrap->key_path("timer_s"), "auto-wrap needs auto_wrap_code");
    }
    wrap->done();
  }
  if (auto cli = in.map("cli")) {
    checked_text(*cli, "number", out.cli, check_phone_number);
    std::vector<CliSource> order;
    bool any = false;
    cli->each_text("order", [&](const std::string& word, const std::string& path) {
      any = true;
      static const std::vector<std::string> kWords = {"agent", "campaign", "organisation"};
      for (std::size_t i = 0; i < kWords.size(); ++i) {
        if (word != kWords[i]) continue;
        const auto source = static_cast<CliSource>(i);
        for (CliSource seen : order) {
          if (seen == source) cli->diag().error_at(path, "'" + word + "' is listed twice");
        }
        order.push_back(source);
        return;
      }
      cli->diag().error_at(path, "'" + word + "' is not one of agent, campaign, organisation" +
                                     suggestion(word, kWords));
    });
    if (any) out.cli_order = order;
    cli->done();
  }
  if (auto window = in.map("calling_window")) {
    checked_text(*window, "start", out.calling_window_start, check_clock_time);
    checked_text(*window, "end", out.calling_window_end, check_clock_time);
    window->done();
  }
  in.integer("max_attempts", out.max_attempts, 1, 100);
  if (auto retry = in.map("retry_delays")) {
    retry->integer("busy_s", out.retry.busy_s, 0, 30 * 86400);
    retry->integer("no_answer_s", out.retry.no_answer_s, 0, 30 * 86400);
    retry->integer("machine_s", out.retry.machine_s, 0, 30 * 86400);
    retry->integer("invalid_s", out.retry.invalid_s, 0, 30 * 86400);
    retry->done();
  }
  in.flag("record", out.record);
  in.flag("autostart", out.autostart);
}

}  // namespace dialcore::config::detail
