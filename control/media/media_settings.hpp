#pragma once
// MediaSettings: MediaService's knobs, plain values (dialcored fills them from config).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dataplane/api/net_address.hpp"

namespace dialcore::control::media {

struct MediaSettings {
  // Local media addresses (IP only; the worker picks the port in its shard). Index 0 is the
  // default for allocate_leg.
  std::vector<dataplane::NetAddress> addresses;
  std::uint32_t rtp_timeout_ms = 30000;  // CreateLeg's no-RTP timeout (0 = never)

  std::size_t max_in_flight = 128;  // per worker; keep below the command ring's capacity
  std::chrono::milliseconds reply_timeout{1000};  // then TimedOut (wedged-worker alarm)

  // Polling the rings from the io_context (see media_service.hpp, "Polling"): every
  // busy_poll while a command is in flight or queued, every idle_poll otherwise (events).
  std::chrono::microseconds busy_poll{1000};
  std::chrono::microseconds idle_poll{5000};

  // A command refused Busy (ring full, too many in flight) is queued and retried after
  // busy_backoff, doubling to busy_backoff_max; after busy_retries retries it fails Busy.
  std::uint32_t busy_retries = 6;
  std::chrono::microseconds busy_backoff{1000};
  std::chrono::microseconds busy_backoff_max{16000};
  std::size_t max_queued = 4096;  // per worker: beyond this a command fails Busy at once
};

}  // namespace dialcore::control::media
