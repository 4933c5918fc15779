#include <charconv>

#include "control/api/config_resource.hpp"

namespace dialcore::control::api {

namespace {
constexpr std::string_view kPageParams[] = {"limit", "offset", "order", "desc"};

bool to_int(const std::string& s, std::int64_t& out) { return detail::text_int(s, out); }
}  // namespace

bool is_page_param(std::string_view name) {
  for (auto p : kPageParams) {
    if (p == name) return true;
  }
  return false;
}

bool page_params(const ApiRequest& request, store::Query& query, std::string& error) {
  if (auto it = request.query.find("limit"); it != request.query.end()) {
    if (!to_int(it->second, query.limit) || query.limit < 1 || query.limit > 10000) {
      error = "limit must be 1..10000";
      return false;
    }
  }
  if (auto it = request.query.find("offset"); it != request.query.end()) {
    if (!to_int(it->second, query.offset) || query.offset < 0) {
      error = "offset must be a non-negative integer";
      return false;
    }
  }
  if (auto it = request.query.find("order"); it != request.query.end()) query.order_by = it->second;
  if (auto it = request.query.find("desc"); it != request.query.end()) {
    if (!detail::text_bool(it->second, query.descending)) {
      error = "desc must be true or false";
      return false;
    }
  }
  return true;
}

std::string list_body(const std::vector<std::string>& items_json, std::int64_t total) {
  std::string out = "{\"items\":[";
  for (std::size_t i = 0; i < items_json.size(); ++i) {
    if (i) out += ',';
    out += items_json[i];
  }
  out += "],\"total\":" + std::to_string(total) + "}";
  return out;
}

ApiResponse deleted_response(std::size_t deleted) {
  return ApiResponse{200, "application/json",
                     "{\"deleted\":" + std::to_string(deleted) + "}", 0};
}

std::vector<NamedResource> make_config_resources(store::Store& s) {
  using S = store::Store;
  std::vector<NamedResource> out;
  out.push_back({"teams", std::make_unique<ConfigResource<store::Team>>(
                              s, &S::teams, std::vector<std::string>{"name", "description"})});
  out.push_back({"queues", std::make_unique<ConfigResource<store::Queue>>(
                               s, &S::queues, std::vector<std::string>{"name"})});
  out.push_back({"campaigns", std::make_unique<ConfigResource<store::Campaign>>(
                                  s, &S::campaigns, std::vector<std::string>{"name"})});
  out.push_back(
      {"pause-reasons", std::make_unique<ConfigResource<store::PauseReason>>(
                            s, &S::pause_reasons, std::vector<std::string>{"name", "code"})});
  out.push_back({"wrap-codes", std::make_unique<ConfigResource<store::WrapCode>>(
                                   s, &S::wrap_codes, std::vector<std::string>{"name", "code"})});
  out.push_back({"dnc", std::make_unique<ConfigResource<store::DncEntry>>(
                            s, &S::dnc, std::vector<std::string>{"phone", "note"})});
  return out;
}

}  // namespace dialcore::control::api
