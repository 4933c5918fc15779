#include "tools/dialctl/api_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>

namespace dialcore::tools {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

bool parse_api_url(const std::string& url, ApiTarget& out, std::string& why) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) {
    why = "the API URL must start with http:// (TLS is not supported by this dialctl yet)";
    return false;
  }
  std::string rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('/') != std::string::npos) {
    why = "the API URL is http://HOST:PORT, without a path";
    return false;
  }
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) {
    why = "the API URL needs a host and a port: http://127.0.0.1:8080";
    return false;
  }
  out.host = rest.substr(0, colon);
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  out.port = rest.substr(colon + 1);
  return true;
}

ApiReply api_call(const ApiTarget& target, const std::string& method, const std::string& path,
                  const std::string& body, const std::string& content_type) {
  ApiReply out;
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::error_code ec;
  const auto results = resolver.resolve(target.host, target.port, ec);
  if (ec) {
    out.error = "cannot resolve " + target.host + ": " + ec.message();
    return out;
  }
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(results, ec);
  if (ec) {
    out.error = "cannot connect to " + target.host + ":" + target.port + ": " + ec.message();
    return out;
  }
  http::request<http::string_body> req(http::string_to_verb(method), path, 11);
  req.set(http::field::host, target.host);
  req.set(http::field::user_agent, "dialctl");
  if (!target.token.empty()) req.set(http::field::authorization, "Bearer " + target.token);
  if (!body.empty()) req.set(http::field::content_type, content_type);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024ULL * 1024 * 1024);
  if (!ec) http::read(stream, buffer, parser, ec);
  if (ec) {
    out.error = "no answer from " + target.host + ":" + target.port + ": " + ec.message();
    return out;
  }
  out.connected = true;
  out.status = static_cast<int>(parser.get().result_int());
  out.body = parser.get().body();
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

}  // namespace dialcore::tools
