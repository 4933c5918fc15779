#include "sip_test_support.hpp"

#include "tests/support/netns.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

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
  args.insert(args.begin(), program);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, dir.path().c_str());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (::posix_spawnp(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
    pid_ = -1;
  }
  posix_spawn_file_actions_destroy(&actions);
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

}  // namespace dialcore::test
