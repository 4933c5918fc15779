#include "tools/dialctl/history_commands.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include "tools/dialctl/cli_util.hpp"

namespace dialcore::tools {

namespace json = boost::json;

namespace {

const std::vector<std::string> kCdrColumns = {
    "id",       "call_id",     "leg",           "direction",   "from_number",  "to_number",
    "agent_id", "campaign_id", "started_at_ms", "ended_at_ms", "hangup_cause", "wrap_code"};
const std::vector<std::string> kRecordingColumns = {
    "id", "call_id", "campaign", "agent", "state", "duration_ms", "size_bytes", "path"};
const std::vector<std::string> kLeadColumns = {"id",     "external_id", "first_name", "last_name",
                                               "phone1", "status",      "attempts"};

int usage(const std::string& command) {
  std::fputs(history_help(command).c_str(), stderr);
  return kExitUsage;
}

// --name VALUE options into a query string; positional arguments into `rest`.
bool options_query(const std::vector<std::string>& args, std::size_t from,
                   const std::map<std::string, std::string>& allowed, std::string& query,
                   std::vector<std::string>& rest, std::map<std::string, std::string>& flags) {
  for (std::size_t i = from; i < args.size(); ++i) {
    const auto it = allowed.find(args[i]);
    if (it != allowed.end()) {
      if (it->second.empty()) {  // a flag without a value
        flags[args[i]] = "true";
        continue;
      }
      if (i + 1 >= args.size()) return false;
      query += query.empty() ? '?' : '&';
      query += it->second + "=" + url_encode(args[++i]);
    } else if (args[i].starts_with("--") && args[i] != "-") {
      return false;
    } else {
      rest.push_back(args[i]);
    }
  }
  return true;
}

std::string slurp(const std::string& file, bool& ok) {
  std::ifstream in(file, std::ios::binary);
  ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A campaign id from an id or a name (looked up over the API); 0 with the exit code in `rc`.
std::string campaign_id(const CliOptions& o, const std::string& name, int& rc) {
  if (is_id(name)) return name;
  const auto r = api_call(o.target, "GET", "/api/v1/campaigns?name=" + url_encode(name));
  rc = check(r);
  if (rc != kExitOk) return "";
  json::error_code ec;
  const auto v = json::parse(r.body, ec);
  const auto* items = ec || !v.is_object() ? nullptr : v.get_object().if_contains("items");
  if (!items || !items->is_array() || items->get_array().empty()) {
    std::fprintf(stderr, "dialctl: no campaign named '%s'\n", name.c_str());
    rc = kExitApiError;
    return "";
  }
  return cell(items->get_array().front().at("id"));
}

int list_json(const CliOptions& o, const ApiReply& r, const std::vector<std::string>& columns) {
  int rc = kExitOk;
  const auto object = table_object(o, r, rc);
  if (!object) return rc;
  const json::object& obj = *object;
  print_table(columns, obj.at("items").as_array());
  std::printf("(%zu of %s)", obj.at("items").as_array().size(), cell(obj.at("total")).c_str());
  if (const auto* next = obj.if_contains("next_cursor"); next && next->is_string()) {
    std::printf(" next: --cursor %s", cell(*next).c_str());
  }
  std::printf("\n");
  return kExitOk;
}

int export_to(const CliOptions& o, const std::string& path, const std::vector<std::string>& rest) {
  if (rest.size() > 1) return kExitUsage;
  const auto r = api_call(o.target, "GET", path);
  if (const int rc = check(r); rc != kExitOk) return rc;
  return write_output(rest.empty() ? "" : rest[0], r.body) ? kExitOk : kExitApiError;
}

int cdrs(const CliOptions& o, const std::vector<std::string>& args) {
  if (args.size() < 2) return usage("cdrs");
  const std::string& verb = args[1];
  std::map<std::string, std::string> allowed = {{"--from", "from"},
                                                {"--to", "to"},
                                                {"--campaign", "campaign"},
                                                {"--agent", "agent"},
                                                {"--call-id", "call_id"}};
  if (verb == "list") {
    allowed["--limit"] = "limit";
    allowed["--cursor"] = "cursor";
  } else if (verb != "export") {
    return usage("cdrs");
  }
  std::string query;
  std::vector<std::string> rest;
  std::map<std::string, std::string> flags;
  if (!options_query(args, 2, allowed, query, rest, flags)) return usage("cdrs");
  if (verb == "list") {
    if (!rest.empty()) return usage("cdrs");
    return list_json(o, api_call(o.target, "GET", "/api/v1/cdrs" + query), kCdrColumns);
  }
  const int rc = export_to(o, "/api/v1/cdrs.csv" + query, rest);
  return rc == kExitUsage ? usage("cdrs") : rc;
}

// dialctl recordings list: the recording index (GET /api/v1/recordings).
int recordings(const CliOptions& o, const std::vector<std::string>& args) {
  if (args.size() < 2 || args[1] != "list") return usage("recordings");
  const std::map<std::string, std::string> allowed = {
      {"--from", "from"},   {"--to", "to"},       {"--campaign", "campaign"},
      {"--call-id", "call"}, {"--state", "state"}, {"--limit", "limit"},
      {"--cursor", "cursor"}};
  std::string query;
  std::vector<std::string> rest;
  std::map<std::string, std::string> flags;
  if (!options_query(args, 2, allowed, query, rest, flags) || !rest.empty()) {
    return usage("recordings");
  }
  return list_json(o, api_call(o.target, "GET", "/api/v1/recordings" + query), kRecordingColumns);
}

int import_leads(const CliOptions& o, const std::string& campaign, const std::string& file,
                 const std::string& query) {
  bool ok = false;
  const std::string text = slurp(file, ok);
  if (!ok) {
    std::fprintf(stderr, "dialctl: cannot read %s\n", file.c_str());
    return kExitApiError;
  }
  // Chunks of whole records keep each request under api.max_body_bytes; duplicates across
  // chunks are still found (each chunk sees what the earlier ones committed).
  const auto chunks = csv_chunks(text, 2000);
  std::size_t total = 0, done = 0, imported = 0, dnc = 0, duplicate = 0;
  for (const auto& c : chunks) total += c.records;
  json::array errors;
  for (const auto& c : chunks) {
    const auto r =
        api_call(o.target, "POST", "/api/v1/campaigns/" + campaign + "/leads/import" + query,
                 c.text, "text/csv");
    if (const int rc = check(r); rc != kExitOk) return rc;
    json::error_code ec;
    auto v = json::parse(r.body, ec);
    if (ec || !v.is_object()) return kExitApiError;
    auto& rep = v.get_object();
    imported += rep.at("imported").to_number<std::size_t>();
    dnc += rep.at("dnc").to_number<std::size_t>();
    duplicate += rep.at("duplicate").to_number<std::size_t>();
    append_rebased(rep.at("errors").as_array(), c, errors);
    done += c.records;
    if (o.progress) progress(done, total);
  }
  json::object report{{"rows", total},          {"imported", imported},     {"dnc", dnc},
                      {"duplicate", duplicate}, {"invalid", errors.size()}, {"errors", errors}};
  if (o.json) {
    std::printf("%s\n", json::serialize(report).c_str());
  } else {
    std::printf("%zu rows: %zu imported, %zu dnc, %zu duplicate, %zu invalid\n", total, imported,
                dnc, duplicate, errors.size());
    for (const auto& row : errors) {
      std::printf("  line %s: %s\n", cell(row.at("line")).c_str(), cell(row.at("reason")).c_str());
    }
  }
  return errors.empty() ? kExitOk : kExitApiError;
}

int leads(const CliOptions& o, const std::vector<std::string>& args) {
  if (args.size() < 3) return usage("leads");
  const std::string& verb = args[1];
  std::map<std::string, std::string> allowed;
  if (verb == "import") {
    allowed = {{"--dry-run", ""}, {"--country-code", "country_code"}};
  } else if (verb == "list") {
    allowed = {{"--status", "status"}, {"--limit", "limit"}, {"--offset", "offset"}};
  } else if (verb != "export") {
    return usage("leads");
  }
  std::string query;
  std::vector<std::string> rest;
  std::map<std::string, std::string> flags;
  if (!options_query(args, 2, allowed, query, rest, flags) || rest.empty()) return usage("leads");
  int rc = kExitOk;
  const std::string id = campaign_id(o, rest[0], rc);
  if (id.empty()) return rc;
  rest.erase(rest.begin());
  const std::string base = "/api/v1/campaigns/" + id;
  if (verb == "list") {
    if (!rest.empty()) return usage("leads");
    return list_json(o, api_call(o.target, "GET", base + "/leads" + query), kLeadColumns);
  }
  if (verb == "export") {
    rc = export_to(o, base + "/leads.csv", rest);
    return rc == kExitUsage ? usage("leads") : rc;
  }
  if (rest.size() != 1) return usage("leads");
  if (flags.contains("--dry-run")) {
    query += query.empty() ? '?' : '&';
    query += "dry_run=true";
  }
  return import_leads(o, id, rest[0], query);
}

}  // namespace

bool is_history_command(const std::string& name) {
  return name == "cdrs" || name == "leads" || name == "recordings";
}

std::string history_help(const std::string& command) {
  if (command == "cdrs") {
    return "usage: dialctl [--api URL] [--token T] [--json] cdrs VERB ...\n"
           "  cdrs list   [--from T] [--to T] [--campaign ID] [--agent ID] [--call-id C]\n"
           "              [--limit N] [--cursor C]   a page of call detail records\n"
           "  cdrs export [--from T] [--to T] [--campaign ID] [--agent ID] [--call-id C] [FILE]\n"
           "              CSV with a header row (stdout without FILE)\n"
           "T: ms since the epoch or YYYY-MM-DD[THH:MM:SSZ] (UTC); --to is exclusive.\n"
           "Supervisor or admin token. Exit status: 0 ok, 1 API error, 2 usage, 3 cannot\n"
           "connect, 4 authentication.\n";
  }
  if (command == "recordings") {
    return "usage: dialctl [--api URL] [--token T] [--json] recordings list [--from T] [--to T]\n"
           "              [--campaign ID] [--call-id C] [--state S] [--limit N] [--cursor C]\n"
           "  the recording index: one row per file (state complete, repaired,\n"
           "  truncated_disk_full, truncated_too_large, interrupted, failed)\n"
           "T: ms since the epoch or YYYY-MM-DD[THH:MM:SSZ] (UTC); --to is exclusive.\n"
           "Supervisor or admin token. Exit status: 0 ok, 1 API error, 2 usage, 3 cannot\n"
           "connect, 4 authentication.\n";
  }
  return "usage: dialctl [--api URL] [--token T] [--json] leads VERB CAMPAIGN ...\n"
         "  leads import CAMPAIGN FILE.csv [--dry-run] [--country-code CC]\n"
         "              counts imported/dnc/duplicate/invalid, a line per invalid row\n"
         "  leads export CAMPAIGN [FILE]    CSV (stdout without FILE)\n"
         "  leads list   CAMPAIGN [--status S] [--limit N] [--offset N]\n"
         "CAMPAIGN is an id or a name. Import needs an admin token; --country-code 44 turns\n"
         "national numbers (07700 900123) into E.164 (+447700900123).\n"
         "Exit status: 0 ok (1 when some rows were invalid), 2 usage, 3 cannot connect,\n"
         "4 authentication.\n";
}

int run_history_command(const CliOptions& o, const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h" || (args.size() == 2 && a == "help")) {
      std::fputs(history_help(args[0]).c_str(), stdout);
      return kExitOk;
    }
  }
  if (args[0] == "recordings") return recordings(o, args);
  return args[0] == "cdrs" ? cdrs(o, args) : leads(o, args);
}

}  // namespace dialcore::tools
