#include "control/api/server.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <optional>
#include <type_traits>

#include "control/api/api_error.hpp"

namespace dialcore::control::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr std::uint32_t kHeaderLimit = 16 * 1024;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(tcp::socket socket, Router& router) requires(!kTls)
      : stream_(std::move(socket)), router_(router) {}
  Session(tcp::socket socket, asio::ssl::context& tls, Router& router) requires(kTls)
      : stream_(std::move(socket), tls), router_(router) {}

  void start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close();
                                self->read();
                              });
    } else {
      read();
    }
  }

 private:
  tcp::socket& socket() { return beast::get_lowest_layer(stream_).socket(); }

  void read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(router_.max_body_bytes());
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
        ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
      return close();
    }
    if (ec == http::error::body_limit) {
      return reply_and_close(
          error_response(413, "body_too_large", "request body is over the limit"), 11);
    }
    if (ec == http::error::header_limit) {
      return reply_and_close(
          error_response(431, "headers_too_large", "request headers are over the limit"), 11);
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
    request.last_event_id = std::string(req["Last-Event-ID"]);
    request.body = req.body();
    beast::error_code ep_ec;
    const auto remote = socket().remote_endpoint(ep_ec);
    request.client = ep_ec ? "unknown" : remote.address().to_string();
    router_.handle(request, [self = this->shared_from_this(), version = req.version(),
                             keep_alive = req.keep_alive()](ApiResponse r) {
      self->write(r, version, keep_alive);
    });
  }

  void write(const ApiResponse& r, unsigned version, bool keep_alive) {
    if (r.stream) return start_stream(r.stream);
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), version);
    res->set(http::field::server, "dialcored");
    res->set(http::field::content_type, r.content_type);
    if (r.retry_after_s > 0) res->set(http::field::retry_after, std::to_string(r.retry_after_s));
    res->body() = r.body;
    res->keep_alive(keep_alive);
    res->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    http::async_write(
        stream_, *res,
        [self = this->shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->close();
          self->read();
        });
  }

  void reply_and_close(const ApiResponse& r, unsigned version) { write(r, version, false); }

  // --- Server-Sent Events: raw bytes after our own header, until either side closes ---
  class Sink final : public StreamSink {
   public:
    explicit Sink(std::weak_ptr<Session> s) : session_(std::move(s)) {}
    bool send(std::string_view bytes) override {
      auto s = session_.lock();
      return s && s->enqueue(bytes);
    }
    void close() override {
      if (auto s = session_.lock()) s->finish_stream();
    }

   private:
    std::weak_ptr<Session> session_;
  };

  void start_stream(std::shared_ptr<ResponseStream> stream) {
    events_ = std::move(stream);
    beast::get_lowest_layer(stream_).expires_never();
    out_.emplace_back(
        "HTTP/1.1 200 OK\r\nServer: dialcored\r\nContent-Type: text/event-stream\r\n"
        "Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\n");
    out_bytes_ = out_.back().size();
    flush();
    watch_client();
    events_->open(std::make_shared<Sink>(this->weak_from_this()));
  }

  bool enqueue(std::string_view bytes) {
    if (closed_ || finishing_ || overflowed_) return false;
    if (out_bytes_ + bytes.size() > events_->max_queue_bytes()) {
      overflowed_ = true;  // too slow: the owner drops it (close() below), never waits for it
      return false;
    }
    out_.emplace_back(bytes);
    out_bytes_ += bytes.size();
    if (out_.size() == 1) flush();
    return true;
  }

  void flush() {
    if (out_.empty() || writing_ || closed_) return;
    writing_ = true;
    asio::async_write(stream_, asio::buffer(out_.front()),
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec) return self->close();
                        self->out_bytes_ -= self->out_.front().size();
                        self->out_.pop_front();
                        if (!self->out_.empty()) return self->flush();
                        if (self->finishing_) self->close();
                      });
  }

  void finish_stream() {
    if (overflowed_) return close();
    finishing_ = true;
    if (out_.empty() && !writing_) close();
  }

  // Anything the client sends after its request (or its FIN) ends the stream.
  void watch_client() {
    stream_.async_read_some(asio::buffer(in_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->watch_client();
                            });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    socket().shutdown(tcp::socket::shutdown_send, ec);
    socket().close(ec);
    if (auto events = std::move(events_)) events->closed();
  }

  Stream stream_;
  Router& router_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  // Event streams only.
  std::shared_ptr<ResponseStream> events_;
  std::deque<std::string> out_;
  std::size_t out_bytes_ = 0;
  bool writing_ = false;
  bool finishing_ = false;
  bool overflowed_ = false;
  bool closed_ = false;
  std::array<char, 512> in_{};
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

std::unique_ptr<asio::ssl::context> Server::load_tls(const std::string& cert_file,
                                                     const std::string& key_file,
                                                     std::string& error) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  beast::error_code ec;
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                   ec);
  if (!ec) ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    error = "api.tls.cert_file " + cert_file + ": " + ec.message();
    return nullptr;
  }
  ctx->use_private_key_file(key_file, asio::ssl::context::pem, ec);
  if (ec) {
    error = "api.tls.key_file " + key_file + ": " + ec.message();
    return nullptr;
  }
  return ctx;
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
    if (!ec && tls_) {
      std::make_shared<Session<TlsStream>>(std::move(socket), *tls_, router_)->start();
    } else if (!ec) {
      std::make_shared<Session<PlainStream>>(std::move(socket), router_)->start();
    }
    accept();
  });
}

}  // namespace dialcore::control::api
