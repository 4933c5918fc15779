#include "tools/dialctl/api_commands.hpp"

#include "tools/dialctl/cli_util.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace dialcore::tools {

namespace json = boost::json;

namespace {

const std::map<std::string, std::vector<std::string>> kColumns = {
    {"agents",
     {"id", "username", "first_name", "last_name", "login_enabled", "locked", "mfa_enabled"}},
    {"teams", {"id", "name", "description"}},
    {"queues", {"id", "name", "strategy", "ring_timeout_s", "wrap_s"}},
    {"campaigns", {"id", "name", "kind", "dial_mode", "active"}},
    {"pause-reasons", {"id", "name", "code", "paid"}},
    {"wrap-codes", {"id", "name", "code", "schedules_callback", "completes_number"}},
    {"dnc", {"id", "phone", "note", "added_at_ms"}},
};

}  // namespace

std::string cell(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_null()) return "-";
  return json::serialize(v);
}

void print_table(const std::vector<std::string>& columns, const json::array& rows) {
  std::vector<std::size_t> width;
  for (const auto& c : columns) width.push_back(c.size());
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows) {
    std::vector<std::string> line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const auto* o = r.if_object();
      const json::value* v = o ? o->if_contains(columns[i]) : nullptr;
      line.push_back(v ? cell(*v) : "");
      width[i] = std::max(width[i], line.back().size());
    }
    cells.push_back(std::move(line));
  }
  auto print_line = [&](const std::vector<std::string>& line) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      std::printf(i + 1 < line.size() ? "%-*s  " : "%-*s\n", static_cast<int>(width[i]),
                  line[i].c_str());
    }
  };
  std::vector<std::string> header;
  for (auto c : columns) {
    std::transform(c.begin(), c.end(), c.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    header.push_back(c);
  }
  print_line(header);
  for (const auto& line : cells) print_line(line);
}

void print_object(const json::object& o) {
  std::size_t w = 0;
  for (const auto& kv : o) w = std::max(w, kv.key().size());
  for (const auto& kv : o) {
    std::printf("%-*s  %s\n", static_cast<int>(w), std::string(kv.key()).c_str(),
                cell(kv.value()).c_str());
  }
}

std::optional<json::object> table_object(const CliOptions& o, const ApiReply& r, int& rc) {
  rc = check(r);
  if (rc != kExitOk) return std::nullopt;
  if (o.json) {
    std::printf("%s\n", r.body.c_str());
    return std::nullopt;
  }
  json::error_code ec;
  auto v = json::parse(r.body, ec);
  if (ec || !v.is_object()) {
    rc = kExitApiError;
    return std::nullopt;
  }
  return std::move(v.as_object());
}

// Maps an answer to an exit status and prints errors on stderr.
int check(const ApiReply& r) {
  if (!r.connected) {
    std::fprintf(stderr, "dialctl: %s\n", r.error.c_str());
    return kExitConnect;
  }
  if (r.status < 400) return kExitOk;
  json::error_code ec;
  const auto v = json::parse(r.body, ec);
  const json::object* err = nullptr;
  if (!ec && v.is_object()) {
    if (const auto* e = v.get_object().if_contains("error")) err = e->if_object();
  }
  if (err) {
    std::fprintf(stderr, "dialctl: %d %s: %s\n", r.status, cell(err->at("code")).c_str(),
                 cell(err->at("message")).c_str());
    if (const auto* fields = err->if_contains("fields"); fields && fields->is_array()) {
      for (const auto& f : fields->get_array()) {
        std::fprintf(stderr, "  %s: %s\n", cell(f.at("field")).c_str(),
                     cell(f.at("message")).c_str());
      }
    }
  } else {
    std::fprintf(stderr, "dialctl: HTTP %d\n", r.status);
  }
  return r.status == 401 || r.status == 403 ? kExitAuth : kExitApiError;
}

// KEY=VALUE pairs as a JSON object: a value that parses as JSON is that JSON, else a string.
bool pairs_body(const std::vector<std::string>& args, std::size_t from, std::string& body) {
  json::object o;
  for (std::size_t i = from; i < args.size(); ++i) {
    if (args[i] == "--body" && i + 1 < args.size()) {
      body = args[i + 1];
      return true;
    }
    const auto eq = args[i].find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "dialctl: expected KEY=VALUE, got '%s'\n", args[i].c_str());
      return false;
    }
    const std::string value = args[i].substr(eq + 1);
    json::error_code ec;
    json::value v = json::parse(value, ec);
    o[args[i].substr(0, eq)] = ec ? json::value(value) : std::move(v);
  }
  body = json::serialize(o);
  return true;
}

std::string url_encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool is_id(const std::string& s) {
  return !s.empty() && s.size() < 19 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

static int usage(const std::string& resource) {
  std::fputs(resource_help(resource).c_str(), stderr);
  return kExitUsage;
}

int print_reply(const CliOptions& o, const ApiReply& r, const std::string& resource, bool list) {
  if (const int rc = check(r); rc != kExitOk) return rc;
  if (o.json) {
    std::printf("%s\n", r.body.empty() ? "{\"ok\":true}" : r.body.c_str());
    return kExitOk;
  }
  if (r.body.empty()) {
    std::puts("ok");
    return kExitOk;
  }
  json::error_code ec;
  const auto v = json::parse(r.body, ec);
  if (ec || !v.is_object()) {
    std::printf("%s\n", r.body.c_str());
    return kExitOk;
  }
  if (list) {
    const auto it = kColumns.find(resource);
    print_table(it->second, v.get_object().at("items").as_array());
    std::printf("(%s of %s)\n",
                std::to_string(v.get_object().at("items").as_array().size()).c_str(),
                cell(v.get_object().at("total")).c_str());
  } else {
    print_object(v.get_object());
  }
  return kExitOk;
}

std::vector<Chunk> csv_chunks(const std::string& text, std::size_t per_chunk) {
  std::vector<std::pair<std::size_t, std::size_t>> records;  // [begin, end) of each record
  std::size_t begin = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;
    if (text[i] == '\n' && !quoted) {
      records.push_back({begin, i + 1});
      begin = i + 1;
    }
  }
  if (begin < text.size()) records.push_back({begin, text.size()});
  std::vector<Chunk> chunks;
  if (records.empty()) return chunks;
  const std::string header = text.substr(records[0].first, records[0].second - records[0].first);
  std::size_t line =
      static_cast<std::size_t>(std::count(header.begin(), header.end(), '\n'));  // lines consumed
  for (std::size_t r = 1; r < records.size(); r += per_chunk) {
    Chunk c{header, line + 1, 0};
    for (std::size_t k = r; k < records.size() && k < r + per_chunk; ++k) {
      const std::string rec = text.substr(records[k].first, records[k].second - records[k].first);
      c.text += rec;
      line += static_cast<std::size_t>(std::count(rec.begin(), rec.end(), '\n'));
      ++c.records;
    }
    chunks.push_back(std::move(c));
  }
  return chunks;
}

bool write_output(const std::string& file, const std::string& body) {
  if (file.empty() || file == "-") {
    return std::fwrite(body.data(), 1, body.size(), stdout) == body.size();
  }
  std::ofstream out(file, std::ios::binary);
  out << body;
  if (!out) std::fprintf(stderr, "dialctl: cannot write %s\n", file.c_str());
  return static_cast<bool>(out);
}

void append_rebased(json::array& rows, const Chunk& chunk, json::array& into) {
  for (auto& row : rows) {
    auto& obj = row.as_object();
    obj["line"] =
        obj.at("line").to_number<std::int64_t>() - 2 + static_cast<std::int64_t>(chunk.first_line);
    into.push_back(row);
  }
}

void progress(std::size_t done, std::size_t total) {
  constexpr int kWidth = 40;
  const int filled = total ? static_cast<int>(done * kWidth / total) : kWidth;
  std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu rows", filled,
               "########################################", kWidth - filled, "", done, total);
  if (done == total) std::fputc('\n', stderr);
  std::fflush(stderr);
}

namespace {

int import_file(const CliOptions& o, const std::string& resource, const std::string& file,
                bool dry_run) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "dialctl: cannot read %s\n", file.c_str());
    return kExitApiError;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const auto chunks = csv_chunks(ss.str(), 200);
  std::size_t total = 0, done = 0, created = 0;
  for (const auto& c : chunks) total += c.records;
  json::array rejected;
  for (const auto& c : chunks) {
    const auto r = api_call(o.target, "POST",
                            "/api/v1/" + resource + "/import" + (dry_run ? "?dry_run=true" : ""),
                            c.text, "text/csv");
    if (const int rc = check(r); rc != kExitOk) return rc;
    json::error_code ec;
    auto v = json::parse(r.body, ec);
    if (ec || !v.is_object()) return kExitApiError;
    created += v.get_object().at("created").to_number<std::size_t>();
    append_rebased(v.get_object().at("rejected").as_array(), c, rejected);
    done += c.records;
    if (o.progress) progress(done, total);
  }
  json::object report{
      {"rows", total}, {"created", created}, {"rejected", rejected}, {"dry_run", dry_run}};
  if (o.json) {
    std::printf("%s\n", json::serialize(report).c_str());
  } else {
    std::printf("%zu rows, %zu %s, %zu rejected\n", total, created,
                dry_run ? "would be created" : "created", rejected.size());
    for (const auto& row : rejected) {
      std::printf("  line %s:", cell(row.at("line")).c_str());
      for (const auto& e : row.at("errors").as_array()) {
        std::printf(" %s: %s;", cell(e.at("field")).c_str(), cell(e.at("message")).c_str());
      }
      std::printf("\n");
    }
  }
  return rejected.empty() ? kExitOk : kExitApiError;
}

// dialctl config reload: POST /api/v1/config/reload; the keys applied and those that wait.
int reload_config(const CliOptions& o) {
  int rc = kExitOk;
  const auto object = table_object(o, api_call(o.target, "POST", "/api/v1/config/reload", "{}"), rc);
  if (!object) return rc;
  const json::object& body = *object;
  auto keys = [&](const char* name) {
    std::string out;
    for (const auto& k : body.at(name).as_array()) out += (out.empty() ? "" : ", ") + cell(k);
    return out.empty() ? std::string("-") : out;
  };
  std::printf("applied        %s\nneeds restart  %s\n", keys("applied").c_str(),
              keys("needs_restart").c_str());
  return kExitOk;
}

}  // namespace

bool is_resource(const std::string& name) { return kColumns.contains(name); }

std::string resource_help(const std::string& r) {
  std::string extra;
  if (r == "agents") {
    extra =
        "  agents unlock ID                  clear a lockout\n"
        "  agents password ID PASSWORD|--generate   set a password (changed at next login)\n";
  }
  if (r == "queues") {
    extra =
        "  queues stats [ID]                  live figures of every inbound queue, or of one (store\n"
        "                                     id or config id): waiting, longest wait, agents,\n"
        "                                     answered/abandoned/overflowed today\n";
  }
  if (r == "campaigns") {
    extra =
        "  campaigns start|pause|stop ID      the running campaign's dialling (the Appliance)\n"
        "  campaigns stats ID                 its live figures: dials, answers, AMD, abandoned\n";
  }
  return "usage: dialctl [--api URL] [--token T] [--json] " + r +
         " VERB ...\n"
         "  " +
         r +
         " list [FIELD=VALUE...] [--limit N] [--offset N]   filters on fields\n"
         "  " +
         r +
         " search TEXT               quick search (name/username, or id digits)\n"
         "  " +
         r +
         " show ID\n"
         "  " +
         r +
         " add KEY=VALUE... | --body JSON     VALUE is JSON when it parses, else text\n"
         "  " +
         r +
         " edit ID KEY=VALUE... | --body JSON\n"
         "  " +
         r +
         " delete ID [ID...]         several ids: one transaction, all or nothing\n"
         "  " +
         r +
         " export [FILE]             CSV (stdout without FILE)\n"
         "  " +
         r + " import FILE [--dry-run]   CSV, a report per rejected row\n" + extra +
         "Exit status: 0 ok, 1 API error, 2 usage, 3 cannot connect, 4 authentication.\n";
}

int run_api_command(const CliOptions& o, const std::vector<std::string>& args) {
  if (args[0] == "status") {
    if (args.size() > 1) {
      std::fputs("usage: dialctl status   a summary of the running appliance\n",
                 args[1] == "--help" ? stdout : stderr);
      return args[1] == "--help" ? kExitOk : kExitUsage;
    }
    const auto r = api_call(o.target, "GET", "/api/v1/status");
    if (const int rc = check(r); rc != kExitOk) return rc;
    if (o.json) {
      std::printf("%s\n", r.body.c_str());
      return kExitOk;
    }
    json::error_code ec;
    const auto v = json::parse(r.body, ec);
    if (ec) return kExitApiError;
    const auto& s = v.as_object();
    std::printf("status          %s\nschema version  %s\nagent sessions  %s\nagents locked   %s\n",
                cell(s.at("status")).c_str(), cell(s.at("schema_version")).c_str(),
                cell(s.at("agent_sessions")).c_str(), cell(s.at("agents_locked")).c_str());
    for (const auto& kv : s.at("counts").as_object()) {
      std::printf("%-15s %s\n", std::string(kv.key()).c_str(), cell(kv.value()).c_str());
    }
    return kExitOk;
  }
  if (args[0] == "config") return reload_config(o);
  const std::string& res = args[0];
  if (args.size() < 2) return usage(res);
  const std::string& verb = args[1];
  if (verb == "--help" || verb == "-h" || verb == "help") {
    std::fputs(resource_help(res).c_str(), stdout);
    return kExitOk;
  }
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(resource_help(res).c_str(), stdout);
      return kExitOk;
    }
  }
  const std::string base = "/api/v1/" + res;
  if (verb == "list" || verb == "search") {
    std::string query;
    for (std::size_t i = 2; i < args.size(); ++i) {
      std::string k, v;
      if ((args[i] == "--limit" || args[i] == "--offset") && i + 1 < args.size()) {
        k = args[i].substr(2);
        v = args[++i];
      } else if (verb == "search") {
        if (i != 2) return usage(res);
        k = "q";
        v = args[i];
      } else if (const auto eq = args[i].find('='); eq != std::string::npos && eq > 0) {
        k = args[i].substr(0, eq);
        v = args[i].substr(eq + 1);
      } else {
        return usage(res);
      }
      query += (query.empty() ? "?" : "&") + url_encode(k) + "=" + url_encode(v);
    }
    if (verb == "search" && query.find("q=") == std::string::npos) return usage(res);
    return print_reply(o, api_call(o.target, "GET", base + query), res, true);
  }
  if (verb == "delete" && args.size() > 3) {
    json::array ids;
    for (std::size_t i = 2; i < args.size(); ++i) {
      if (!is_id(args[i])) return usage(res);
      ids.push_back(std::stoll(args[i]));
    }
    return print_reply(o,
                       api_call(o.target, "POST", base + "/bulk-delete",
                                json::serialize(json::object{{"ids", std::move(ids)}})),
                       res, false);
  }
  if (verb == "show" || verb == "delete") {
    if (args.size() != 3 || !is_id(args[2])) return usage(res);
    return print_reply(
        o, api_call(o.target, verb == "show" ? "GET" : "DELETE", base + "/" + args[2]), res, false);
  }
  if (verb == "add" || verb == "edit") {
    const std::size_t from = verb == "add" ? 2 : 3;
    if (args.size() <= from || (verb == "edit" && !is_id(args[2]))) return usage(res);
    std::string body;
    if (!pairs_body(args, from, body)) return kExitUsage;
    return print_reply(o,
                       api_call(o.target, verb == "add" ? "POST" : "PATCH",
                                verb == "add" ? base : base + "/" + args[2], body),
                       res, false);
  }
  if (verb == "export") {
    if (args.size() > 3) return usage(res);
    const auto r = api_call(o.target, "GET", base + "/export.csv");
    if (const int rc = check(r); rc != kExitOk) return rc;
    return write_output(args.size() == 3 ? args[2] : "", r.body) ? kExitOk : kExitApiError;
  }
  if (verb == "import") {
    if (args.size() < 3 || args.size() > 4 || (args.size() == 4 && args[3] != "--dry-run"))
      return usage(res);
    return import_file(o, res, args[2], args.size() == 4);
  }
  if (res == "agents" && verb == "unlock" && args.size() == 3 && is_id(args[2])) {
    return print_reply(o, api_call(o.target, "POST", base + "/" + args[2] + "/unlock"), res, false);
  }
  if (res == "agents" && verb == "password" && args.size() == 4 && is_id(args[2])) {
    json::object body;
    if (args[3] == "--generate")
      body["generate"] = true;
    else
      body["password"] = args[3];
    return print_reply(
        o, api_call(o.target, "POST", base + "/" + args[2] + "/password", json::serialize(body)),
        res, false);
  }
  if (res == "queues" && verb == "stats") {
    if (args.size() > 3) return usage(res);
    if (args.size() == 3) {
      return print_reply(o, api_call(o.target, "GET", base + "/" + url_encode(args[2]) + "/stats"),
                         res, false);
    }
    int rc = kExitOk;  // --json: table_object prints the answer as it came
    const auto table = table_object(o, api_call(o.target, "GET", base + "/stats"), rc);
    if (!table) return rc;
    print_table({"id", "name", "waiting", "longest_wait_ms", "agents_available", "agents_busy",
                 "answered_today", "abandoned_today", "overflowed_today"},
                table->at("queues").as_array());
    return kExitOk;
  }
  if (res == "campaigns" &&
      (verb == "start" || verb == "pause" || verb == "stop" || verb == "stats")) {
    if (args.size() != 3 || !is_id(args[2])) return usage(res);
    return print_reply(o,
                       api_call(o.target, verb == "stats" ? "GET" : "POST",
                                base + "/" + args[2] + "/" + verb),
                       res, false);
  }
  return usage(res);
}

}  // namespace dialcore::tools
