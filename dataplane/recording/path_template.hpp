#pragma once
// Where a recording goes: RecordingStart::path when given, else the configured template with
// {yyyy} {mm} {dd} (UTC date of start_unix_ms) {campaign} {call_id} {agent} filled in. Values are
// sanitised to [A-Za-z0-9._-] (others become '_', a leading '.' too) so a call id cannot climb
// out of the root; an empty value becomes "none". Relative results are taken from `root`.
// Returns the path without extension.

#include <string>

#include "dataplane/recording/recording_types.hpp"

namespace dialcore::dataplane::recording {

std::string recording_base_path(const std::string& root, const std::string& path_template,
                                const RecordingStart& start);

}  // namespace dialcore::dataplane::recording
