#pragma once
// The API's requests and answers, independent of the transport: the Beast server (server.cpp)
// fills an ApiRequest and writes the ApiResponse; the router and the resources never see Beast,
// so they compile fast and are easy to drive.

#include <map>
#include <string>
#include <string_view>

namespace dialcore::control::api {

struct ApiRequest {
  std::string method;                                     // "GET", "POST", "PATCH", "DELETE"
  std::string path;                                       // "/api/v1/agents/7", without the query
  std::map<std::string, std::string, std::less<>> query;  // decoded ?k=v&...
  std::string authorization;                              // the Authorization header as sent
  std::string content_type;
  std::string body;
  std::string client;  // remote address, for login rate limiting
};

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  unsigned retry_after_s = 0;  // 429: sent as Retry-After
};

// Splits "/path?a=1&b=x%20y" into path and decoded parameters; false on bad percent escapes or
// a repeated parameter.
bool parse_target(std::string_view target, ApiRequest& out);

}  // namespace dialcore::control::api
