#pragma once
// A small blocking HTTP/1.1 client for tests that drive a real dialcored (Boost.Beast, one
// connection per request, a 10 s timeout so a hung daemon fails the test instead of hanging it).

#include <cstdint>
#include <map>
#include <string>

namespace dialcore::test {

struct HttpReply {
  int status = 0;  // 0: could not connect or no answer
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port) : host_(std::move(host)), port_(port) {}
  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& token() const { return token_; }
  HttpReply request(const std::string& method, const std::string& target,
                    const std::string& body = {},
                    const std::string& content_type = "application/json");
  HttpReply get(const std::string& target) { return request("GET", target); }
  HttpReply post(const std::string& target, const std::string& body) {
    return request("POST", target, body);
  }
  HttpReply patch(const std::string& target, const std::string& body) {
    return request("PATCH", target, body);
  }
  HttpReply del(const std::string& target) { return request("DELETE", target); }
  // Sends raw bytes and returns what comes back (for malformed HTTP).
  std::string raw(const std::string& bytes);

 private:
  std::string host_;
  std::uint16_t port_;
  std::string token_;
};

}  // namespace dialcore::test
