#include "tools/dialctl/api_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <optional>

namespace dialcore::tools {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

bool parse_api_url(const std::string& url, ApiTarget& out, std::string& why) {
  const bool tls = url.rfind("https://", 0) == 0;
  if (!tls && url.rfind("http://", 0) != 0) {
    why = "the API URL must start with http:// or https://";
    return false;
  }
  out.tls = tls;
  std::string rest = url.substr(tls ? 8 : 7);
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

namespace {

// One request and its answer on a connected stream (plain TCP or TLS).
template <class Stream>
void exchange(Stream& stream, const ApiTarget& target, const std::string& method,
              const std::string& path, const std::string& body, const std::string& content_type,
              ApiReply& out) {
  http::request<http::string_body> req(http::string_to_verb(method), path, 11);
  req.set(http::field::host, target.host);
  req.set(http::field::user_agent, "dialctl");
  if (!target.token.empty()) req.set(http::field::authorization, "Bearer " + target.token);
  if (!body.empty()) req.set(http::field::content_type, content_type);
  req.body() = body;
  req.prepare_payload();
  beast::error_code ec;
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024ULL * 1024 * 1024);
  if (!ec) http::read(stream, buffer, parser, ec);
  if (ec) {
    out.error = "no answer from " + target.host + ":" + target.port + ": " + ec.message();
    return;
  }
  out.connected = true;
  out.status = static_cast<int>(parser.get().result_int());
  out.body = parser.get().body();
}

}  // namespace

ApiReply api_call(const ApiTarget& target, const std::string& method, const std::string& path,
                  const std::string& body, const std::string& content_type) {
  ApiReply out;
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  beast::error_code ec;
  const auto results = resolver.resolve(target.host, target.port, ec);
  if (ec) {
    out.error = "cannot resolve " + target.host + ": " + ec.message();
    return out;
  }
  const std::string where = target.host + ":" + target.port;
  if (!target.tls) {
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(results, ec);
    if (ec) {
      out.error = "cannot connect to " + where + ": " + ec.message();
      return out;
    }
    exchange(stream, target, method, path, body, content_type, out);
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    return out;
  }
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  if (!target.ca_file.empty()) {
    ctx.load_verify_file(target.ca_file, ec);
  } else {
    ctx.set_default_verify_paths(ec);
  }
  if (ec) {
    out.error = "cannot read the CA file " + target.ca_file + ": " + ec.message();
    return out;
  }
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  if (target.insecure) {
    stream.set_verify_mode(asio::ssl::verify_none);
  } else {
    stream.set_verify_mode(asio::ssl::verify_peer);
    stream.set_verify_callback(asio::ssl::host_name_verification(target.host));
  }
  // SNI for a DNS name (not for an IP literal, as RFC 6066 says).
  asio::ip::make_address(target.host, ec);
  // SSL_set_tlsext_host_name without its C cast.
  if (ec && SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(target.host.c_str())) != 1) {
    out.error = "cannot set the TLS server name " + target.host;
    return out;
  }
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
  beast::get_lowest_layer(stream).connect(results, ec);
  if (ec) {
    out.error = "cannot connect to " + where + ": " + ec.message();
    return out;
  }
  stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) {
    out.error = "TLS handshake with " + where + " failed: " + ec.message() +
                (target.insecure ? "" : " (--cacert FILE names the CA that signed its certificate)");
    return out;
  }
  exchange(stream, target, method, path, body, content_type, out);
  stream.shutdown(ec);  // a peer that just closes is fine
  return out;
}

}  // namespace dialcore::tools
