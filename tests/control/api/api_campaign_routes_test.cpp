// The campaign routes (label control): /api/v1/campaigns/{id}/start|pause|stop (POST, admin)
// and /stats (GET, supervisor or admin) through the Router to a CampaignControl double.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "control/api/campaign_control.hpp"
#include "control/api/router.hpp"
#include "tests/control/agents/agent_fixture.hpp"

namespace dialcore::test {
namespace {

namespace api = dialcore::control::api;
namespace json = boost::json;

constexpr const char* kAdminToken = "campaign-admin-token-0123456789";
constexpr const char* kSupervisorToken = "campaign-supervisor-token-0123456789";

struct FakeCampaigns final : api::CampaignControl {
  std::vector<std::string> calls;
  api::CampaignAnswer campaign_action(std::int64_t id, std::string_view action) override {
    calls.push_back(std::to_string(id) + ":" + std::string(action));
    if (id != 7) return {404, "not_found", "no such campaign", {}};
    return {200, "", "", json::object{{"state", action == "start" ? "running" : "paused"}}};
  }
  api::CampaignAnswer campaign_stats(std::int64_t id) override {
    calls.push_back(std::to_string(id) + ":stats");
    return {200, "", "", json::object{{"dials", 3}}};
  }
};

api::ApiResponse call(api::Router& router, const std::string& method, const std::string& path,
                      const std::string& token) {
  api::ApiRequest r;
  r.method = method;
  r.path = path;
  r.authorization = "Bearer " + token;
  api::ApiResponse out;
  bool done = false;
  router.handle(r, [&](api::ApiResponse a) {
    out = std::move(a);
    done = true;
  });
  REQUIRE(done);
  return out;
}

std::string error_code(const api::ApiResponse& r) {
  const auto v = json::parse(r.body);
  return std::string(v.at("error").at("code").as_string());
}

}  // namespace

TEST_CASE("campaign routes reach the running campaigns with the right roles", "[api][campaigns]") {
  AgentWorld w;
  api::Router router(*w.db, w.service, [] { return std::int64_t{1'800'000'000'000}; });
  router.apply(api::LiveSettings{kAdminToken, kSupervisorToken, 1 << 20, 1000, 60});

  // Nothing attached: a clear 404, not "no_route".
  auto r = call(router, "POST", "/api/v1/campaigns/7/start", kAdminToken);
  CHECK(r.status == 404);
  CHECK(error_code(r) == "campaigns_not_running");

  FakeCampaigns fake;
  router.set_campaigns(&fake);
  r = call(router, "POST", "/api/v1/campaigns/7/start", kAdminToken);
  REQUIRE(r.status == 200);
  CHECK(json::parse(r.body).at("state").as_string() == "running");
  CHECK(call(router, "POST", "/api/v1/campaigns/7/pause", kAdminToken).status == 200);
  CHECK(call(router, "POST", "/api/v1/campaigns/7/stop", kAdminToken).status == 200);
  // The campaign's own refusal is passed on.
  r = call(router, "POST", "/api/v1/campaigns/8/start", kAdminToken);
  CHECK(r.status == 404);
  CHECK(error_code(r) == "not_found");
  // Supervisors read the stats but do not start campaigns; wrong methods are refused.
  CHECK(call(router, "POST", "/api/v1/campaigns/7/start", kSupervisorToken).status == 403);
  r = call(router, "GET", "/api/v1/campaigns/7/stats", kSupervisorToken);
  REQUIRE(r.status == 200);
  CHECK(json::parse(r.body).at("dials").as_int64() == 3);
  CHECK(call(router, "GET", "/api/v1/campaigns/7/start", kAdminToken).status == 405);
  CHECK(call(router, "POST", "/api/v1/campaigns/7/stats", kAdminToken).status == 405);
  CHECK(call(router, "POST", "/api/v1/campaigns/7/start", "wrong-token").status == 401);
  const std::vector<std::string> expected = {"7:start", "7:pause", "7:stop", "8:start",
                                             "7:stats"};
  CHECK(fake.calls == expected);
}

}  // namespace dialcore::test
