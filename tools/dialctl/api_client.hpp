#pragma once
// dialctl's HTTP client for the admin API (Boost.Beast, blocking, one connection per request,
// a timeout so a hung daemon fails instead of hanging a script). http:// or https:// (OpenSSL
// through Boost.Asio: the server's certificate is verified against the system's CAs or
// --cacert FILE, and its name or IP against the URL's host; --insecure skips both, for a lab).

#include <cstdint>
#include <string>

namespace dialcore::tools {

struct ApiTarget {
  std::string host;
  std::string port;
  std::string token;
  bool tls = false;       // https://
  std::string ca_file;    // PEM CA bundle to verify against; "" = the system's
  bool insecure = false;  // no certificate or host check (never the default)
};

// "http://host:port" or "https://host:port" (a trailing slash allowed); false with `why`
// otherwise.
bool parse_api_url(const std::string& url, ApiTarget& out, std::string& why);

struct ApiReply {
  bool connected = false;  // false: could not connect or no answer (exit 3)
  int status = 0;
  std::string body;
  std::string error;  // why it could not connect
};

ApiReply api_call(const ApiTarget& target, const std::string& method, const std::string& path,
                  const std::string& body = {},
                  const std::string& content_type = "application/json");

}  // namespace dialcore::tools
