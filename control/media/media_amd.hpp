#pragma once
// The campaign's AMD parameters (config::Amd, the YAML `campaigns[].amd` block) as the
// dataplane's StartAmd arguments. Pure: no service, no I/O. MediaService::start_amd sends them.

#include "config/config.hpp"
#include "dataplane/api/commands.hpp"

namespace dialcore::control::media {

// Every numeric key is copied as it is (AmdArgs keeps config::Amd's names; greeting_ms is the
// detector's max_greeting_ms). report_beep is on when the campaign leaves a message on a
// machine (on_machine: message): the worker then reports the beep after MACHINE. `enabled` is
// the caller's business (no StartAmd at all when false).
dataplane::AmdArgs amd_args(const config::Amd& amd) noexcept;

}  // namespace dialcore::control::media
