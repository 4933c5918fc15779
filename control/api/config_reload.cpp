#include "control/api/config_reload.hpp"

#include <boost/json.hpp>

#include "control/api/api_error.hpp"

namespace dialcore::control::api {

namespace json = boost::json;

ApiResponse reload_response(const ReloadOutcome& outcome) {
  if (!outcome.ok) {
    return error_response(422, "invalid_config",
                          "the configuration file was refused; nothing was applied",
                          outcome.errors);
  }
  json::array applied, restart;
  for (const auto& k : outcome.applied) applied.emplace_back(k);
  for (const auto& k : outcome.needs_restart) restart.emplace_back(k);
  const bool changed = !applied.empty() || !restart.empty();
  return json_response(200, json::serialize(json::object{{"applied", std::move(applied)},
                                                         {"needs_restart", std::move(restart)},
                                                         {"changed", changed}}));
}

}  // namespace dialcore::control::api
