#pragma once
// The CRUD of one config record type (teams, queues, campaigns, pause reasons, wrap codes) from
// its field table: JSON and CSV decoding, filters on any declared field, quick search on the
// fields named at construction. A new resource is one line in config_resources.cpp.

#include <boost/json.hpp>

#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "control/api/api_error.hpp"
#include "control/api/record_codec.hpp"
#include "control/api/resource.hpp"
#include "control/csv/csv.hpp"
#include "control/store/record_json.hpp"

namespace dialcore::control::api {

template <class T>
class ConfigResource final : public Resource {
 public:
  using RepoOf = store::Repository<T>& (store::Store::*)();
  ConfigResource(store::Store& s, RepoOf repo, std::vector<std::string> search_fields)
      : store_(s), repo_(repo), search_fields_(std::move(search_fields)) {}

  ApiResponse list(const ApiRequest& request) override {
    store::Query q;
    std::string error;
    if (!page_params(request, q, error)) return error_response(400, "bad_query", error);
    for (const auto& [key, value] : request.query) {
      if (is_page_param(key)) continue;
      if (key == "q") {
        for (const auto& f : search_fields_) q.any.push_back({f, store::Match::Contains, value});
        if (!value.empty() && value.find_first_not_of("0123456789") == std::string::npos) {
          q.any.push_back({"id", store::Match::Prefix, value});
        }
        continue;
      }
      store::Value v;
      const std::string outcome = field_value<T>(key, value, v);
      if (outcome == "unknown") return error_response(400, "unknown_parameter", "no filter " + key);
      if (outcome == "type") return error_response(400, "bad_query", key + ": wrong type");
      q.all.push_back({key, store::Match::Equals, v});
    }
    auto rows = (store_.*repo_)().list(q);
    if (!rows) return query_error(rows.error());
    auto total = (store_.*repo_)().count(q);
    if (!total) return query_error(total.error());
    std::vector<std::string> items;
    for (const auto& r : *rows) items.push_back(store::to_json(r));
    return json_response(200, list_body(items, *total));
  }

  ApiResponse get(std::int64_t id) override {
    auto r = (store_.*repo_)().get(id);
    if (!r) return from_error(r.error());
    return json_response(200, store::to_json(*r));
  }

  ApiResponse create(const boost::json::object& body, const store::Actor& actor) override {
    T record{};
    if (auto bad = decode(body, record, true); bad.status != 0) return bad;
    if (auto r = (store_.*repo_)().create(record, actor); !r) return from_error(r.error());
    return json_response(201, store::to_json(record));
  }

  ApiResponse patch(std::int64_t id, const boost::json::object& body,
                    const store::Actor& actor) override {
    auto current = (store_.*repo_)().get(id);
    if (!current) return from_error(current.error());
    T record = *current;
    if (auto bad = decode(body, record, false); bad.status != 0) return bad;
    if (auto r = (store_.*repo_)().update(record, actor); !r) return from_error(r.error());
    return json_response(200, store::to_json(record));
  }

  ApiResponse remove(std::int64_t id, const store::Actor& actor) override {
    if (auto r = (store_.*repo_)().remove(id, actor); !r) return from_error(r.error());
    return ApiResponse{204, "application/json", "", 0};
  }

  ApiResponse remove_many(std::span<const std::int64_t> ids, const store::Actor& actor) override {
    auto r = (store_.*repo_)().remove_many(ids, actor);
    if (!r) return from_error(r.error());
    return deleted_response(*r);
  }

  ApiResponse export_csv() override {
    std::string out;
    std::vector<std::string> header{"id"};
    for (auto& n : field_names<T>()) header.push_back(std::move(n));
    csv::append_row(out, header);
    store::Query q;
    q.limit = 10000;
    for (;;) {
      auto rows = (store_.*repo_)().list(q);
      if (!rows) return from_error(rows.error());
      for (const auto& r : *rows) {
        std::vector<std::string> cells{std::to_string(r.id)};
        for (auto& c : field_texts(r)) cells.push_back(std::move(c));
        csv::append_row(out, cells);
      }
      if (static_cast<std::int64_t>(rows->size()) < q.limit) break;
      q.offset += q.limit;
    }
    return ApiResponse{200, "text/csv", std::move(out), 0};
  }

  ApiResponse import_csv(std::string_view text, const store::Actor& actor, bool dry_run) override {
    auto parsed = csv::parse(text);
    if (auto* e = std::get_if<csv::ParseError>(&parsed)) {
      return error_response(400, "bad_csv", "line " + std::to_string(e->line) + ": " + e->message);
    }
    auto& records = std::get<std::vector<csv::Record>>(parsed);
    if (records.empty()) return error_response(400, "bad_csv", "no header line");
    const auto& header = records.front().fields;
    T probe{};
    for (const auto& column : header) {
      std::string msg;
      if (column != "id" && set_field_text(probe, column, "", read_only_, msg) == "unknown") {
        return error_response(400, "bad_csv", "unknown column " + column);
      }
    }
    boost::json::array rejected;
    std::size_t created = 0;
    for (std::size_t i = 1; i < records.size(); ++i) {
      T record{};
      std::vector<FieldError> errors;
      const auto& cells = records[i].fields;
      if (cells.size() != header.size()) errors.push_back({"", "wrong number of cells"});
      for (std::size_t c = 0; c < cells.size() && c < header.size(); ++c) {
        std::string msg;
        if (header[c] == "id") continue;
        if (set_field_text(record, header[c], cells[c], read_only_, msg) == "type") {
          errors.push_back({header[c], msg});
        }
      }
      if (errors.empty() && !dry_run) {
        if (auto r = (store_.*repo_)().create(record, actor); !r) {
          errors.push_back(
              {"", std::string(store::to_string(r.code())) + ": " + r.error().message});
        }
      }
      if (!errors.empty()) {
        boost::json::array list;
        for (const auto& e : errors) list.push_back({{"field", e.field}, {"message", e.message}});
        rejected.push_back({{"line", records[i].line}, {"errors", std::move(list)}});
      } else {
        ++created;
      }
    }
    boost::json::object report{{"rows", records.size() - 1},
                               {"created", created},
                               {"rejected", std::move(rejected)},
                               {"dry_run", dry_run}};
    return json_response(200, boost::json::serialize(report));
  }

 private:
  // status 0: decoded; else the 400 to answer.
  ApiResponse decode(const boost::json::object& body, T& record, bool creating) {
    std::vector<FieldError> unknown, wrong;
    for (const auto& kv : body) {
      const std::string_view key = kv.key();
      if (key == "version" && !creating) {
        if (!detail::json_int(kv.value(), record.version))
          wrong.push_back({"version", "must be an integer"});
        continue;
      }
      std::string msg;
      const std::string outcome = set_field_json(record, key, kv.value(), read_only_, msg);
      if (outcome == "unknown") unknown.push_back({std::string(key), "unknown field"});
      if (outcome == "type") wrong.push_back({std::string(key), msg});
    }
    if (!unknown.empty()) return error_response(400, "unknown_field", "unknown fields", unknown);
    if (!wrong.empty()) return error_response(400, "wrong_type", "wrong types", wrong);
    return ApiResponse{0, "", "", 0};
  }

  ApiResponse query_error(const store::Error& e) {
    if (e.code == store::Errc::Invalid) return error_response(400, "bad_query", e.message);
    return from_error(e);
  }

  store::Store& store_;
  RepoOf repo_;
  std::vector<std::string> search_fields_;
  std::set<std::string_view> read_only_;
};

}  // namespace dialcore::control::api
