#include "config/loader.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/node_reader.hpp"
#include "config/sections.hpp"

namespace dialcore::config {

namespace {

using detail::Diagnostics;
using detail::MapReader;
using detail::Need;

void read_document(const YAML::Node& doc, Config& c, Diagnostics& diag,
                   const LoadOptions& options) {
  MapReader root(doc, "", diag);
  if (!root.ok()) return;
  root.text("data_dir", c.data_dir);
  if (c.data_dir.empty()) diag.error_at("data_dir", "must not be empty");
  if (auto s = root.map("dataplane")) detail::parse_dataplane(*s, c.dataplane);
  if (auto s = root.map("sip")) detail::parse_sip(*s, c.sip);
  if (auto s = root.map("recording")) detail::parse_recording(*s, c.recording);
  if (auto s = root.map("store")) detail::parse_store(*s, c.store);
  if (auto s = root.map("api")) {
    detail::parse_api(*s, c.api, options);
  } else {
    MapReader empty(YAML::Node(), "api", diag);
    detail::parse_api(empty, c.api, options);  // the token may still come from the environment
  }
  if (auto s = root.map("organisation")) detail::parse_organisation(*s, c.organisation, options);
  root.maps("pause_reasons", [&](MapReader& in, std::size_t) {
    detail::parse_pause_reason(in, c.pause_reasons.emplace_back());
  });
  root.maps("wrap_codes", [&](MapReader& in, std::size_t) {
    detail::parse_wrap_code(in, c.wrap_codes.emplace_back());
  });
  root.maps("teams",
            [&](MapReader& in, std::size_t) { detail::parse_team(in, c.teams.emplace_back()); });
  root.maps("queues",
            [&](MapReader& in, std::size_t) { detail::parse_queue(in, c.queues.emplace_back()); });
  root.maps("campaigns", [&](MapReader& in, std::size_t) {
    detail::parse_campaign(in, c.campaigns.emplace_back());
  });
  root.maps("agents", [&](MapReader& in, std::size_t) {
    detail::parse_agent(in, c.agents.emplace_back(), options);
  });
  root.done();
  detail::check_references(c, diag);
}

std::optional<std::string> real_getenv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace

std::string to_string(const ConfigError& e) {
  std::string out = e.file;
  if (e.line > 0) {
    out.append(":").append(std::to_string(e.line)).append(":").append(std::to_string(e.column));
  }
  out.append(": ");
  if (!e.key.empty()) out.append(e.key).append(": ");
  out.append(e.message);
  return out;
}

LoadResult load_string(std::string_view yaml, const std::string& name, const LoadOptions& options) {
  LoadOptions opts = options;
  if (!opts.getenv) opts.getenv = real_getenv;
  Diagnostics diag(name);
  Config config;
  try {
    const YAML::Node doc = YAML::Load(std::string(yaml));
    read_document(doc, config, diag, opts);
  } catch (const YAML::Exception& e) {
    diag.error(detail::pos_of(e.mark), "yaml", e.msg.empty() ? "syntax error" : e.msg);
  } catch (const std::exception& e) {
    // Not expected: the reader reports problems instead of throwing. Kept so that a bug here
    // is an error message, never a crash of dialcored or dialctl; the fuzz test watches for it.
    diag.error({}, "internal", std::string("unexpected failure: ") + e.what());
  }
  LoadResult result;
  result.errors = diag.take_errors();
  result.warnings = diag.take_warnings();
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

LoadResult load_file(const std::string& path, const LoadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    LoadResult result;
    result.errors.push_back({path, 0, 0, "", std::string("cannot read: ") + std::strerror(errno)});
    return result;
  }
  return load_string(text.str(), path, options);
}

LoadResult load_default(const LoadOptions& options) {
  return load_string(default_yaml(), "<embedded dialcore.yaml>", options);
}

std::string resolve_data_path(const Config& config, const std::string& path) {
  if (!path.empty() && path.front() == '/') return path;
  if (config.data_dir.empty()) return path;
  return config.data_dir + (config.data_dir.back() == '/' ? "" : "/") + path;
}

}  // namespace dialcore::config
