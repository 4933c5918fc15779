#pragma once
// Admin-managed configuration records: teams, queues, campaigns, pause reasons, wrap codes.
// Audited: every create, update and delete writes an audit_log row in the same transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "control/store/field.hpp"

namespace dialcore::control::store {

struct Team : RecordBase {
  std::string name;  // unique, case-insensitive
  std::string description;

  bool operator==(const Team&) const = default;
  static constexpr std::string_view kTable = "teams";
  static constexpr std::string_view kEntity = "team";
  static constexpr bool kAudited = true;
  static constexpr auto fields() {
    return std::tuple{field("name", &Team::name), field("description", &Team::description)};
  }
};

struct Queue : RecordBase {
  std::string name;  // unique, case-insensitive
  std::string strategy =
      "longest_idle";  // ring_all, longest_idle, fewest_calls, round_robin, random, skill
  std::int64_t ring_timeout_s = 20;
  std::int64_t wrap_s = 0;
  std::int64_t max_wait_s = 0;  // 0: no limit
  std::optional<std::int64_t> overflow_queue_id;

  bool operator==(const Queue&) const = default;
  static constexpr std::string_view kTable = "queues";
  static constexpr std::string_view kEntity = "queue";
  static constexpr bool kAudited = true;
  static constexpr auto fields() {
    return std::tuple{field("name", &Queue::name),
                      field("strategy", &Queue::strategy),
                      field("ring_timeout_s", &Queue::ring_timeout_s),
                      field("wrap_s", &Queue::wrap_s),
                      field("max_wait_s", &Queue::max_wait_s),
                      field("overflow_queue_id", &Queue::overflow_queue_id)};
  }
};

struct Campaign : RecordBase {
  std::string name;                   // unique, case-insensitive
  std::string kind = "outbound";      // outbound, inbound, blended
  std::string dial_mode = "preview";  // preview, progressive, power, predictive
  std::string cli;                    // empty: the organisation's
  bool active = true;
  std::int64_t wrap_timeout_s = 0;  // auto-wrap timer; 0: none
  std::int64_t max_attempts = 3;

  bool operator==(const Campaign&) const = default;
  static constexpr std::string_view kTable = "campaigns";
  static constexpr std::string_view kEntity = "campaign";
  static constexpr bool kAudited = true;
  static constexpr auto fields() {
    return std::tuple{field("name", &Campaign::name),
                      field("kind", &Campaign::kind),
                      field("dial_mode", &Campaign::dial_mode),
                      field("cli", &Campaign::cli),
                      field("active", &Campaign::active),
                      field("wrap_timeout_s", &Campaign::wrap_timeout_s),
                      field("max_attempts", &Campaign::max_attempts)};
  }
};

struct PauseReason : RecordBase {
  std::string name;  // unique, case-insensitive
  std::string code;  // short code for reports
  bool paid = true;

  bool operator==(const PauseReason&) const = default;
  static constexpr std::string_view kTable = "pause_reasons";
  static constexpr std::string_view kEntity = "pause_reason";
  static constexpr bool kAudited = true;
  static constexpr auto fields() {
    return std::tuple{field("name", &PauseReason::name), field("code", &PauseReason::code),
                      field("paid", &PauseReason::paid)};
  }
};

struct WrapCode : RecordBase {
  std::string name;
  std::string code;                         // unique, case-insensitive
  std::optional<std::int64_t> campaign_id;  // empty: offered in every campaign
  bool schedules_callback = false;
  bool completes_number = false;  // "complete phone number" disposition (issue 9)

  bool operator==(const WrapCode&) const = default;
  static constexpr std::string_view kTable = "wrap_codes";
  static constexpr std::string_view kEntity = "wrap_code";
  static constexpr bool kAudited = true;
  static constexpr auto fields() {
    return std::tuple{field("name", &WrapCode::name), field("code", &WrapCode::code),
                      field("campaign_id", &WrapCode::campaign_id),
                      field("schedules_callback", &WrapCode::schedules_callback),
                      field("completes_number", &WrapCode::completes_number)};
  }
};

}  // namespace dialcore::control::store
