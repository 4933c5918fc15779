#pragma once
// The running appliance (control side today): store, agents domain, API server and signals on
// one io_context, the control thread. Returns the process exit status.

#include <string>

#include "config/config.hpp"

namespace dialcore::daemon {

// `config_file` empty: the embedded default. Prints "api listening on ADDR:PORT" on stdout once
// the API accepts connections; SIGTERM/SIGINT stop it in order, SIGHUP reloads the file.
int run(const config::Config& config, const std::string& config_file);

}  // namespace dialcore::daemon
