#pragma once
// One REST collection (/api/v1/<name>): list with quick search and filters, get, create, patch,
// delete, CSV export and import. The router checks tokens and parses JSON, then calls these.
// Config records share one template (config_resource.hpp); agents have their own (they go
// through the agents domain for validation and security).

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "control/api/http_types.hpp"
#include "control/store/repository.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::api {

class Resource {
 public:
  virtual ~Resource() = default;
  virtual ApiResponse list(const ApiRequest& request) = 0;
  virtual ApiResponse get(std::int64_t id) = 0;
  virtual ApiResponse create(const boost::json::object& body, const store::Actor& actor) = 0;
  // Without "version" in the body the stored version is used (last writer wins).
  virtual ApiResponse patch(std::int64_t id, const boost::json::object& body,
                            const store::Actor& actor) = 0;
  virtual ApiResponse remove(std::int64_t id, const store::Actor& actor) = 0;
  // All or nothing, one transaction: an unknown id deletes nothing (404). 200 {"deleted": N}.
  virtual ApiResponse remove_many(std::span<const std::int64_t> ids, const store::Actor& actor) = 0;
  virtual ApiResponse export_csv() = 0;
  virtual ApiResponse import_csv(std::string_view text, const store::Actor& actor,
                                 bool dry_run) = 0;
};

struct NamedResource {
  std::string name;  // path segment: "teams", "pause-reasons"
  std::unique_ptr<Resource> resource;
};

// teams, queues, campaigns, pause-reasons, wrap-codes.
std::vector<NamedResource> make_config_resources(store::Store& store);

// Shared by the resources: the page parameters (limit, offset, order, desc) into a Query;
// returns an error response's body via `error` when a parameter is bad.
bool page_params(const ApiRequest& request, store::Query& query, std::string& error);
bool is_page_param(std::string_view name);
std::string list_body(const std::vector<std::string>& items_json, std::int64_t total);
// The answer of a bulk delete: 200 {"deleted": N}.
ApiResponse deleted_response(std::size_t deleted);

}  // namespace dialcore::control::api
