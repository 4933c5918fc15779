#include "control/api/server.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <optional>

#include "control/api/api_error.hpp"

namespace dialcore::control::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr std::uint32_t kHeaderLimit = 16 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Router& router) : stream_(std::move(socket)), router_(router) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(router_.max_body_bytes());
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
        ec == asio::error::eof) {
      return close();
    }
    if (ec == http::error::body_limit) {
      return reply_and_close(error_response(413, "body_too_large", "request body is over the limit"), 11);
    }
    if (ec == http::error::header_limit) {
      return reply_and_close(error_response(431, "headers_too_large", "request headers are over the limit"), 11);
    }
    if (ec) return reply_and_close(error_response(400, "bad_http", "malformed HTTP request"), 11);

    const auto& req = parser_->get();
    ApiRequest request;
    request.method = std::string(req.method_string());
    if (!parse_target(std::string_view(req.target().data(), req.target().size()), request)) {
      return reply_and_close(error_response(400, "bad_target", "malformed URL"), req.version());
    }
    request.authorization = std::string(req[http::field::authorization]);
    request.content_type = std::string(req[http::field::content_type]);
    request.body = req.body();
    beast::error_code ep_ec;
    const auto remote = stream_.socket().remote_endpoint(ep_ec);
    request.client = ep_ec ? "unknown" : remote.address().to_string();
    router_.handle(request, [self = shared_from_this(), version = req.version(),
                             keep_alive = req.keep_alive()](ApiResponse r) {
      self->write(r, version, keep_alive);
    });
  }

  void write(const ApiResponse& r, unsigned version, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), version);
    res->set(http::field::server, "dialcored");
    res->set(http::field::content_type, r.content_type);
    if (r.retry_after_s > 0) res->set(http::field::retry_after, std::to_string(r.retry_after_s));
    res->body() = r.body;
    res->keep_alive(keep_alive);
    res->prepare_payload();
    stream_.expires_after(kIdleTimeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
                        if (ec || !keep_alive) return self->close();
                        self->read();
                      });
  }

  void reply_and_close(const ApiResponse& r, unsigned version) { write(r, version, false); }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  Router& router_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

Server::Server(asio::io_context& io, Router& router) : io_(io), router_(router), acceptor_(io) {}

Server::~Server() { stop(); }

bool Server::listen(const std::string& address, std::uint16_t port, std::string& error) {
  beast::error_code ec;
  const auto addr = asio::ip::make_address(address, ec);
  if (ec) {
    error = "bad listen address " + address + ": " + ec.message();
    return false;
  }
  const tcp::endpoint ep(addr, port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + address + ":" + std::to_string(port) + ": " + ec.message();
    return false;
  }
  accept();
  return true;
}

tcp::endpoint Server::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Server::stop() {
  beast::error_code ec;
  acceptor_.close(ec);
}

void Server::accept() {
  acceptor_.async_accept(io_, [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) std::make_shared<Session>(std::move(socket), router_)->start();
    accept();
  });
}

}  // namespace dialcore::control::api
