#include "tests/support/netns.hpp"

#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>

extern char** environ;

namespace dialcore::test {
namespace {

constexpr const char* kNetnsDir = "/run/netns";
constexpr std::string_view kPrefix = "dct-";

std::atomic<unsigned> g_counter{0};  // Relaxed: uniqueness only

std::string join(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s;
}

void must(const std::vector<std::string>& argv) {
  const CommandResult r = run_command(argv);
  if (r.status != 0) {
    throw std::runtime_error("`" + join(argv) + "` failed (" + std::to_string(r.status) +
                             "): " + r.output);
  }
}

// Namespaces named by a test process that no longer exists: left by a crash or kill -9.
void remove_stale_namespaces() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(kNetnsDir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(kPrefix, 0) != 0) continue;
      const long pid = std::strtol(name.c_str() + kPrefix.size(), nullptr, 10);
      if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) {
        run_command({"ip", "netns", "del", name});
      }
    }
  });
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv) {
  CommandResult result;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  std::vector<char*> args;
  std::vector<std::string> copies = argv;
  for (std::string& a : copies) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    result.output = std::string("cannot start ") + argv[0] + ": " + std::strerror(spawned);
    return result;
  }
  char buf[512];
  ssize_t n = 0;
  while ((n = ::read(pipe_fds[0], buf, sizeof(buf))) > 0) result.output.append(buf, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::optional<std::string> netns_unavailable() {
  if (::geteuid() != 0) return "not root: creating network namespaces needs CAP_SYS_ADMIN";
  try {
    NetNs probe("probe");
  } catch (const std::exception& e) {
    return std::string("cannot create a network namespace: ") + e.what();
  }
  return std::nullopt;
}

NetNs::NetNs(std::string_view tag) {
  remove_stale_namespaces();
  name_ = std::string(kPrefix) + std::to_string(::getpid()) + "-" +
          std::to_string(g_counter.fetch_add(1, std::memory_order_relaxed)) + "-" + std::string(tag);
  must({"ip", "netns", "add", name_});
  try {
    ip({"link", "set", "lo", "up"});
  } catch (...) {
    run_command({"ip", "netns", "del", name_});
    throw;
  }
}

NetNs::~NetNs() { run_command({"ip", "netns", "del", name_}); }

void NetNs::ip(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"ip", "-n", name_};
  argv.insert(argv.end(), args.begin(), args.end());
  must(argv);
}

NetNsScope::NetNsScope(const NetNs& ns) {
  previous_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (previous_ < 0) throw std::runtime_error("open /proc/thread-self/ns/net: " + std::string(std::strerror(errno)));
  const std::string path = std::string(kNetnsDir) + "/" + ns.name();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    ::close(previous_);
    throw std::runtime_error("setns " + path + ": " + why);
  }
  ::close(fd);
}

NetNsScope::~NetNsScope() {
  if (::setns(previous_, CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "NetNsScope: cannot return to the previous namespace: %s\n", std::strerror(errno));
    std::abort();  // the rest of the process would run in the wrong namespace
  }
  ::close(previous_);
}

std::string mac_text(const Mac& mac) {
  char s[18];
  std::snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return s;
}

VethPair::VethPair(const NetNs& ns_a, const Mac& mac_a, const NetNs& ns_b, const Mac& mac_b)
    : ns_a_(ns_a) {
  // "dc" + pid (at most 7 digits) + counter + a/b: within IFNAMSIZ - 1 = 15 for counters < 1000.
  const std::string stem = "dc" + std::to_string(::getpid()) + std::to_string(g_counter.fetch_add(1, std::memory_order_relaxed) % 1000);
  a_ = stem + "a";
  b_ = stem + "b";
  if (b_.size() >= IFNAMSIZ) throw std::runtime_error("veth name too long: " + b_);
  // Both ends are born in ns_a (no link ever appears in the caller's namespace), then b moves.
  ns_a.ip({"link", "add", a_, "address", mac_text(mac_a), "type", "veth", "peer", "name", b_,
           "address", mac_text(mac_b), "netns", ns_b.name()});
  ns_a.ip({"link", "set", a_, "up"});
  ns_b.ip({"link", "set", b_, "up"});
}

VethPair::~VethPair() { run_command({"ip", "-n", ns_a_.name(), "link", "del", a_}); }

void set_tx_checksum_offload(const std::string& ifname, bool on) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  ethtool_value value{};
  value.cmd = ETHTOOL_STXCSUM;
  value.data = on ? 1 : 0;
  ifreq req{};
  std::snprintf(req.ifr_name, sizeof(req.ifr_name), "%s", ifname.c_str());
  req.ifr_data = reinterpret_cast<char*>(&value);
  const int r = ::ioctl(fd, SIOCETHTOOL, &req);
  const int err = errno;
  ::close(fd);
  if (r != 0) throw std::runtime_error("SIOCETHTOOL STXCSUM " + ifname + ": " + std::strerror(err));
}

}  // namespace dialcore::test
