#include "tools/dialctl/config_check.hpp"

#include <boost/json.hpp>

#include "config/config_summary.hpp"
#include "config/loader.hpp"

namespace dialcore::tools {

namespace {

constexpr const char* kHelp =
    "usage: dialctl config check FILE [--json]\n"
    "\n"
    "Validates a Dialcore YAML configuration without starting anything: syntax, unknown keys,\n"
    "types, ranges, duplicate ids and references between sections. Reads\n"
    "DIALCORE_ADMIN_TOKEN as dialcored would.\n"
    "\n"
    "  --json   print one JSON object: {file, ok, summary, errors, warnings}\n"
    "\n"
    "Exit status: 0 valid, 1 invalid or unreadable, 2 usage.\n";

boost::json::array to_json(const std::vector<config::ConfigError>& errors) {
  boost::json::array out;
  for (const auto& e : errors) {
    out.push_back({{"file", e.file},
                   {"line", e.line},
                   {"column", e.column},
                   {"key", e.key},
                   {"message", e.message},
                   {"text", config::to_string(e)}});
  }
  return out;
}

void print_json(const std::string& file, const config::LoadResult& r, std::FILE* out) {
  boost::json::object doc;
  doc["file"] = file;
  doc["ok"] = r.ok();
  if (r.config) {
    boost::json::object summary;
    summary["backend"] = r.config->dataplane.backend == config::Backend::Dpdk ? "dpdk" : "socket";
    for (const auto& [name, count] : config::summary_counts(*r.config)) summary[name] = count;
    doc["summary"] = std::move(summary);
  } else {
    doc["summary"] = nullptr;
  }
  doc["errors"] = to_json(r.errors);
  doc["warnings"] = to_json(r.warnings);
  std::fprintf(out, "%s\n", boost::json::serialize(doc).c_str());
}

void print_text(const std::string& file, const config::LoadResult& r, std::FILE* out,
                std::FILE* err) {
  for (const auto& w : r.warnings) std::fprintf(err, "warning: %s\n", to_string(w).c_str());
  for (const auto& e : r.errors) std::fprintf(err, "%s\n", to_string(e).c_str());
  if (r.config) {
    std::fprintf(out, "ok: %s (%s)\n", file.c_str(), config::summary_text(*r.config).c_str());
  } else {
    std::fprintf(err, "invalid: %s (%zu error%s)\n", file.c_str(), r.errors.size(),
                 r.errors.size() == 1 ? "" : "s");
  }
}

}  // namespace

int config_check(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
  bool json = false;
  std::vector<std::string> files;
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(kHelp, out);
      return kExitOk;
    }
    if (a == "--json") {
      json = true;
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(err, "dialctl config check: unknown option '%s'\n%s", a.c_str(), kHelp);
      return kExitUsage;
    } else {
      files.push_back(a);
    }
  }
  if (files.size() != 1) {
    std::fprintf(err, "dialctl config check: expected one FILE, got %zu\n%s", files.size(), kHelp);
    return kExitUsage;
  }
  const config::LoadResult result = config::load_file(files[0]);
  if (json) {
    print_json(files[0], result, out);
  } else {
    print_text(files[0], result, out, err);
  }
  return result.ok() ? kExitOk : kExitInvalid;
}

}  // namespace dialcore::tools
