#pragma once
// Internal to config/: one parser per top-level section, and the checks across sections.

#include "config/config.hpp"
#include "config/loader.hpp"
#include "config/node_reader.hpp"

namespace dialcore::config::detail {

void parse_dataplane(MapReader& in, Dataplane& out);
// dataplane.dpdk (parse_dpdk.cpp), and with backend: dpdk the addresses it can serve.
void parse_dpdk(MapReader& in, Dataplane& out);
void check_dpdk_addresses(MapReader& dataplane, const Dataplane& out);
void parse_recording(MapReader& in, Recording& out);
void parse_store(MapReader& in, Store& out);
void parse_api(MapReader& in, Api& out, const LoadOptions& options);
void parse_sip(MapReader& in, Sip& out);
void parse_organisation(MapReader& in, Organisation& out, const LoadOptions& options);
void parse_pause_reason(MapReader& in, PauseReason& out);
void parse_wrap_code(MapReader& in, WrapCode& out);
void parse_team(MapReader& in, Team& out);
void parse_queue(MapReader& in, Queue& out);
void parse_campaign(MapReader& in, Campaign& out);
void parse_agent(MapReader& in, SeedAgent& out, const LoadOptions& options);

// Duplicate ids, references between sections, rules that span sections.
void check_references(const Config& config, Diagnostics& diag);

// Reads a text field and runs a value check from values.hpp on it when present.
void checked_text(MapReader& in, const char* key, std::string& out,
                  std::string (*check)(const std::string&), Need need = Need::Optional);

}  // namespace dialcore::config::detail
