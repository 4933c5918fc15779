#include "sip_test_support.hpp"

#include "bench/support/spawn_logged.hpp"
#include "tests/support/netns.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

namespace dialcore::test {

void enter_private_netns() {
  static bool entered = false;
  if (entered) return;
  if (::geteuid() != 0) {
    std::fprintf(stderr, "SKIP: the SIP tests need root for a private network namespace\n");
    std::exit(77);
  }
  if (::unshare(CLONE_NEWNET) != 0) {
    std::perror("SKIP: unshare(CLONE_NEWNET)");
    std::exit(77);
  }
  const CommandResult up = run_command({"ip", "link", "set", "lo", "up"});
  if (up.status != 0) {
    std::fprintf(stderr, "SKIP: `ip link set lo up` failed: %s\n", up.output.c_str());
    std::exit(77);
  }
  entered = true;
}

control::sip::SipEventSink EventLog::sink() {
  return [this](control::sip::SipEvent e) { push(std::move(e)); };
}

void EventLog::push(control::sip::SipEvent event) {
  {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  changed_.notify_all();
}

std::optional<control::sip::SipEvent> EventLog::wait_for(
    const std::function<bool(const control::sip::SipEvent&)>& pred,
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<control::sip::SipEvent> found;
  changed_.wait_for(lock, timeout, [&] {
    for (const auto& e : events_) {
      if (pred(e)) {
        found = e;
        return true;
      }
    }
    return false;
  });
  return found;
}

std::optional<control::sip::SipEvent> EventLog::wait_kind(control::sip::CallId call,
                                                          control::sip::SipEventKind kind,
                                                          std::chrono::milliseconds timeout) {
  return wait_for([&](const auto& e) { return e.call == call && e.kind == kind; }, timeout);
}

std::vector<control::sip::SipEvent> EventLog::all() {
  std::lock_guard lock(mutex_);
  return events_;
}

Sipp::Sipp(const TempDir& dir, std::vector<std::string> args, const std::string& program) {
  static int counter = 0;
  log_path_ = dir.file(program + "-" + std::to_string(++counter) + ".log");
  pid_ = bench::spawn_logged(program, args, dir.path(), log_path_);
}

Sipp::~Sipp() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

int Sipp::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return status_;
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return -1;
}

std::string Sipp::log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  // The screen dumps are long: the end says what failed.
  return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
}

bool wait_udp_bound(std::uint16_t port) {
  for (int i = 0; i < 250; ++i) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::close(fd);
    if (rc != 0) return true;  // EADDRINUSE: the peer holds it
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string write_scenario(const TempDir& dir, const std::string& name, const std::string& xml) {
  const std::string path = dir.file(name + ".xml");
  std::ofstream(path) << xml;
  return path;
}

config::Sip test_sip_config(std::uint16_t proxy_port) {
  config::Sip sip;
  sip.interfaces.push_back(
      {"carriers", config::SipRole::Trunk, {{"127.0.0.1", 0, false}}, config::SipTransport::Udp});
  sip.interfaces.push_back(
      {"handsets", config::SipRole::Agent, {{"127.0.0.1", 0, false}}, config::SipTransport::Udp});
  config::SipTrunk trunk;
  trunk.id = "carrier";
  trunk.interface = "carriers";
  trunk.proxy = "sip:127.0.0.1:" + std::to_string(proxy_port);
  trunk.cli = "442071234567";
  trunk.max_calls = 100;
  trunk.max_cps = 100;
  sip.trunks.push_back(trunk);
  return sip;
}

std::string md5_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_md5(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < size; ++i) {
    hex += "0123456789abcdef"[digest[i] >> 4];
    hex += "0123456789abcdef"[digest[i] & 15];
  }
  return hex;
}

void send_udp(std::uint16_t port, const std::string& datagram) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&addr),
           sizeof addr);
  ::close(fd);
}

UdpPeer::UdpPeer() {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    throw std::system_error(errno, std::generic_category(), "UdpPeer: socket/bind");
  }
  socklen_t len = sizeof a;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
}

UdpPeer::~UdpPeer() { ::close(fd_); }

std::string UdpPeer::via(const std::string& branch) const {
  return "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(port_) + ";rport;branch=z9hG4bK-" +
         branch;
}

int UdpPeer::exchange(std::uint16_t port, const std::string& wire, const std::string& branch,
                      int wait_ms) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::sendto(fd_, wire.data(), wire.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  for (int waited = 0; waited < wait_ms; waited += 50) {  // bounded
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buffer[8192];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 12 || std::string(buffer, 8) != "SIP/2.0 ") continue;
    const std::string reply(buffer, static_cast<std::size_t>(n));
    if (reply.find("branch=z9hG4bK-" + branch + ";") == std::string::npos &&
        reply.find("branch=z9hG4bK-" + branch + "\r") == std::string::npos) {
      continue;
    }
    const int status = std::atoi(std::string(buffer + 8, 3).c_str());
    if (status >= 200) return status;
  }
  return 0;
}

std::string options_request(const UdpPeer& peer, const std::string& branch,
                            const std::string& call_id) {
  return "OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\n" + peer.via(branch) +
         "\r\nMax-Forwards: 70\r\nTo: <sip:ping@127.0.0.1>\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\n"
         "Call-ID: " + call_id + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
}

}  // namespace dialcore::test
