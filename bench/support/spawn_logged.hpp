#pragma once
// Starting a child program (sipp, baresip) whose output goes to a log file: shared by the
// dialbench commands that drive peers (bench/sip) and the tests that do (tests/control/sip).

#include <sys/types.h>

#include <string>
#include <vector>

namespace dialcore::bench {

// Starts `program` (looked up in PATH) with `args` (argv[1..]) in directory `dir`, stdin from
// /dev/null, stdout and stderr to `log_path` (created or truncated). Returns its pid, or -1
// when it could not be started. The caller reaps it (waitpid/wait4).
pid_t spawn_logged(const std::string& program, const std::vector<std::string>& args,
                   const std::string& dir, const std::string& log_path);

}  // namespace dialcore::bench
