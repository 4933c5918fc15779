#pragma once
// The HTTP/1.1 listener (Boost.Beast) on the control thread's io_context: keep-alive, a body
// size limit (413), a header limit, an idle timeout, malformed requests answered 400 and the
// connection closed; optionally TLS (OpenSSL through Beast's ssl_stream, TLS 1.2+). Every
// request goes to the Router, which answers from memory and the store (password work on its
// slow lane): nothing here waits on the dataplane.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "control/api/router.hpp"

namespace dialcore::control::api {

class Server {
 public:
  Server(boost::asio::io_context& io, Router& router);
  ~Server();
  // Binds and starts accepting; port 0 lets the kernel choose (see local_endpoint()).
  bool listen(const std::string& address, std::uint16_t port, std::string& error);
  // A TLS server context from PEM files (certificate chain, key), TLS 1.2+; null with `error`.
  static std::unique_ptr<boost::asio::ssl::context> load_tls(const std::string& cert_file,
                                                             const std::string& key_file,
                                                             std::string& error);
  // Before listen(): every connection then starts with a TLS handshake.
  void use_tls(std::unique_ptr<boost::asio::ssl::context> tls) { tls_ = std::move(tls); }
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void stop();  // stops accepting; open connections end at their next read

 private:
  void accept();
  boost::asio::io_context& io_;
  Router& router_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace dialcore::control::api
