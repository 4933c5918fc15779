#pragma once
// Three recording index rows for the API and dialctl tests: PREFIX-0 and PREFIX-1 of campaign
// "spring", PREFIX-2 of "autumn", a minute apart from t0; PREFIX-1 truncated by a full disk;
// each 30 s with one pause marker, at /rec/PREFIX-N.wav. Written through the call history.

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "control/history/call_history.hpp"

namespace dialcore::test {

inline void write_recording_rows(control::history::CallHistory& h, std::int64_t t0,
                                 const std::string& prefix) {
  for (int i = 0; i < 3; ++i) {
    control::store::Recording r;
    r.call_id = std::string(prefix).append("-").append(std::to_string(i));
    // Move-assigned: literal assignment here trips GCC 12's -Wrestrict false positive.
    r.leg = std::string("a");
    r.campaign = std::string(i < 2 ? "spring" : "autumn");
    r.path = std::string("/rec/").append(r.call_id).append(".wav");
    r.format = std::string("wav_stereo");
    r.started_at_ms = t0 + i * 60'000;
    r.duration_ms = 30'000;
    r.ended_at_ms = r.started_at_ms + r.duration_ms;
    r.state = std::string(i == 1 ? "truncated_disk_full" : "complete");
    r.markers_json = std::string(R"([{"kind":"pause","offset_ms":1000,"text":""}])");
    REQUIRE(h.recording_file(r).ok());
  }
}

}  // namespace dialcore::test
