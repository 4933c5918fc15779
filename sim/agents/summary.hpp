#pragma once
// What a dialcore-agent-sim run did, per agent and in total: the handset (registrations and
// their refusals, calls offered and answered, BYEs, holds), its media (talk time, RTP packets
// both ways, first-RTP latency after our 200 OK), and the API side (floor offers, answers,
// dispositions by code, pauses, stream events). A table and ONE JSON line (README.md: fields).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/agents/floor_client.hpp"
#include "sim/agents/sip_phones.hpp"

namespace dialcore::sim::agents {

struct MediaCounts {
  std::uint64_t calls = 0;      // handset calls that carried media
  double talk_seconds = 0;      // our 200 OK to the end, summed
  std::uint64_t rtp_rx = 0, rtp_tx = 0, rtp_events_rx = 0;
  std::vector<double> first_rx_ms, first_tx_ms;  // per call: 200 OK to the first packet
  std::uint64_t ended_by_us = 0, ended_by_them = 0;
  std::uint64_t captures = 0;   // WAV files written
};

struct AgentSummary {
  std::string login, sip_user;
  bool sip = false, api = false;  // which sides ran
  PhoneCounts phone;
  MediaCounts media;
  FloorCounts floor;
};

double median(std::vector<double> values);  // 0 for none
std::string summary_table(const std::vector<AgentSummary>& agents);
std::string summary_json(const std::vector<AgentSummary>& agents);  // one line, no newline

}  // namespace dialcore::sim::agents
