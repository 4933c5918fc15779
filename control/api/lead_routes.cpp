#include "control/api/lead_routes.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <unordered_set>
#include <variant>

#include "control/api/api_error.hpp"
#include "control/api/csv_export.hpp"
#include "control/api/record_codec.hpp"
#include "control/api/resource.hpp"
#include "control/csv/csv.hpp"
#include "control/store/record_json.hpp"

namespace dialcore::control::api {

namespace json = boost::json;
using store::Match;

bool normalise_phone(std::string_view raw, std::string_view country_code, std::string& out,
                     std::string& why) {
  out.clear();
  bool plus = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c >= '0' && c <= '9') {
      out.push_back(c);
    } else if (c == '+' && out.empty() && !plus) {
      plus = true;
    } else if (c != ' ' && c != '.' && c != '-' && c != '/' && c != '(' && c != ')' && c != '\t') {
      why = "not a phone number";
      return false;
    }
  }
  if (!plus && out.starts_with("00")) {
    out.erase(0, 2);
    plus = true;
  }
  if (!plus && !country_code.empty()) {
    if (out.starts_with("0")) out.erase(0, 1);
    out.insert(0, country_code);
    plus = true;
  }
  if (out.size() < 3 || out.size() > 15) {
    why = "a phone number has 3 to 15 digits";
    return false;
  }
  if (plus) out.insert(0, "+");
  return true;
}

namespace {

ApiResponse campaign_missing(store::Store& s, std::int64_t id) {
  auto c = s.campaigns().get(id);
  if (!c) return from_error(c.error());
  return ApiResponse{0, "", "", 0};
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto b = s.find_first_not_of(' ');
  const auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Lead field for an import column, "" for a custom (data_json) column.
std::string lead_column(const std::string& name) {
  static const std::map<std::string, std::string> kAlias = {{"external_id", "external_id"},
                                                            {"first_name", "first_name"},
                                                            {"last_name", "last_name"},
                                                            {"phone1", "phone1"},
                                                            {"phone", "phone1"},
                                                            {"mobile", "phone1"},
                                                            {"phone2", "phone2"},
                                                            {"home", "phone2"},
                                                            {"phone3", "phone3"},
                                                            {"work", "phone3"},
                                                            {"timezone", "timezone"}};
  const auto it = kAlias.find(name);
  return it == kAlias.end() ? std::string() : it->second;
}

struct Report {
  std::size_t imported = 0, dnc = 0, duplicate = 0;
  json::array invalid;
  json::array duplicates;
  void reject(std::size_t line, std::size_t row, std::string reason) {
    invalid.push_back({{"line", line}, {"row", row}, {"reason", std::move(reason)}});
  }
};

}  // namespace

ApiResponse list_leads(store::Store& s, std::int64_t campaign_id, const ApiRequest& request) {
  if (auto bad = campaign_missing(s, campaign_id); bad.status) return bad;
  store::Query q;
  std::string error;
  if (!page_params(request, q, error)) return error_response(400, "bad_query", error);
  q.all.push_back({"campaign_id", Match::Equals, campaign_id});
  for (const auto& [key, value] : request.query) {
    if (is_page_param(key)) continue;
    if (key != "status" && key != "phone1" && key != "external_id") {
      return error_response(400, "unknown_parameter", "no filter " + key);
    }
    q.all.push_back({key, Match::Equals, value});
  }
  auto rows = s.leads().list(q);
  if (!rows) {
    return rows.code() == store::Errc::Invalid
               ? error_response(400, "bad_query", rows.error().message)
               : from_error(rows.error());
  }
  auto total = s.leads().count(q);
  if (!total) return from_error(total.error());
  std::vector<std::string> items;
  for (const auto& l : *rows) items.push_back(store::to_json(l));
  return json_response(200, list_body(items, *total));
}

ApiResponse export_leads_csv(store::Store& s, std::int64_t campaign_id) {
  if (auto bad = campaign_missing(s, campaign_id); bad.status) return bad;
  store::Query q;
  q.all.push_back({"campaign_id", Match::Equals, campaign_id});
  auto out = csv_export(s.leads(), q);
  if (!out) return from_error(out.error());
  return ApiResponse{200, "text/csv; charset=utf-8", std::move(*out), 0};
}

ApiResponse import_leads(store::Store& s, std::int64_t campaign_id, const ApiRequest& request,
                         const store::Actor& actor) {
  const std::string type = lower(request.content_type.substr(0, request.content_type.find(';')));
  if (!request.body.empty() && type != "text/csv" && type != "application/csv" &&
      type != "text/plain") {
    return error_response(415, "unsupported_media_type", "send the leads as text/csv");
  }
  bool dry_run = false;
  std::string country;
  for (const auto& [key, value] : request.query) {
    if (key == "dry_run") {
      if (!detail::text_bool(value, dry_run)) {
        return error_response(400, "bad_query", "dry_run must be true or false");
      }
    } else if (key == "country_code") {
      if (value.empty() || value.size() > 3 || value[0] == '0' ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return error_response(400, "bad_query", "country_code: 1 to 3 digits, e.g. 44");
      }
      country = value;
    } else {
      return error_response(400, "unknown_parameter", "no parameter " + key);
    }
  }
  if (auto bad = campaign_missing(s, campaign_id); bad.status) return bad;
  if (!csv::is_text(request.body)) {
    return error_response(400, "bad_csv", "the body is not UTF-8 text (binary upload?)");
  }
  auto parsed = csv::parse(request.body);
  if (auto* e = std::get_if<csv::ParseError>(&parsed)) {
    return error_response(400, "bad_csv", "line " + std::to_string(e->line) + ": " + e->message);
  }
  const auto& records = std::get<std::vector<csv::Record>>(parsed);
  if (records.empty()) return error_response(400, "bad_csv", "no header line");
  std::vector<std::string> field, custom;  // per column: a lead field or a custom name
  bool has_phone = false;
  for (const auto& raw : records.front().fields) {
    const std::string name = lower(raw);
    if (name.empty()) return error_response(400, "bad_csv", "an empty column name in the header");
    const std::string f = lead_column(name);
    if (!f.empty() && std::find(field.begin(), field.end(), f) != field.end()) {
      return error_response(400, "bad_csv", "two columns for " + f);
    }
    has_phone = has_phone || f == "phone1";
    field.push_back(f);
    custom.push_back(f.empty() ? raw : "");
  }
  if (!has_phone) {
    return error_response(400, "bad_csv", "no phone column (phone1, phone or mobile)");
  }

  Report rep;
  std::unordered_set<std::string> seen;  // phone1 of earlier rows in this file
  auto work = [&]() -> store::Result<void> {
    for (std::size_t i = 1; i < records.size(); ++i) {
      const auto& rec = records[i];
      const auto& cells = rec.fields;
      if (cells.size() != field.size()) {
        rep.reject(rec.line, i,
                   "wrong number of cells: " + std::to_string(cells.size()) + ", the header has " +
                       std::to_string(field.size()));
        continue;
      }
      store::Lead lead;
      lead.campaign_id = campaign_id;
      json::object data;
      std::string reason;
      for (std::size_t c = 0; c < cells.size() && reason.empty(); ++c) {
        const std::string& f = field[c];
        if (f.empty()) {
          if (!cells[c].empty()) data[custom[c]] = cells[c];
        } else if (f.starts_with("phone")) {
          if (cells[c].empty()) continue;
          std::string number, why;
          if (!normalise_phone(cells[c], country, number, why)) {
            reason = f + ": " + why + " ('" + cells[c] + "')";
          }
          (f == "phone1" ? lead.phone1 : f == "phone2" ? lead.phone2 : lead.phone3) = number;
        } else {
          std::string msg;
          if (set_field_text(lead, f, cells[c], {}, msg) == "type") reason = f + ": " + msg;
        }
      }
      if (reason.empty() && lead.phone1.empty()) reason = "phone1: no phone number";
      if (!reason.empty()) {
        rep.reject(rec.line, i, reason);
        continue;
      }
      if (!seen.insert(lead.phone1).second) {
        ++rep.duplicate;
        rep.duplicates.push_back({{"line", rec.line}, {"row", i}, {"phone", lead.phone1}});
        continue;
      }
      store::Query dup;
      dup.all = {{"campaign_id", Match::Equals, campaign_id},
                 {"phone1", Match::Equals, lead.phone1}};
      auto n = s.leads().count(dup);
      if (!n) return n.error();
      if (*n > 0) {
        ++rep.duplicate;
        rep.duplicates.push_back({{"line", rec.line}, {"row", i}, {"phone", lead.phone1}});
        continue;
      }
      bool dnc = false;
      for (const auto* p : {&lead.phone1, &lead.phone2, &lead.phone3}) {
        if (p->empty() || dnc) continue;
        store::Query q;
        q.all.push_back({"phone", Match::Equals, *p});
        auto hit = s.dnc().count(q);
        if (!hit) return hit.error();
        dnc = *hit > 0;
      }
      lead.status = dnc ? "dnc" : "new";
      lead.data_json = json::serialize(data);
      if (!dry_run) {
        if (auto r = s.leads().create(lead, actor); !r) {
          if (store::Errc c = r.code(); c == store::Errc::Full || c == store::Errc::Busy ||
                                        c == store::Errc::Io || c == store::Errc::Corrupt) {
            return r;  // the database failed: the whole import is rolled back
          }
          rep.reject(rec.line, i,
                     std::string(store::to_string(r.code())) + ": " + r.error().message);
          continue;
        }
      }
      ++(dnc ? rep.dnc : rep.imported);
    }
    return {};
  };
  if (auto r = s.transaction(work); !r) return from_error(r.error());
  json::object report{{"rows", records.size() - 1},
                      {"imported", rep.imported},
                      {"dnc", rep.dnc},
                      {"duplicate", rep.duplicate},
                      {"invalid", rep.invalid.size()},
                      {"errors", std::move(rep.invalid)},
                      {"duplicates", std::move(rep.duplicates)},
                      {"dry_run", dry_run}};
  return json_response(200, json::serialize(report));
}

}  // namespace dialcore::control::api
