#include "bench/rtp/rtpengine_ng.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "bench/rtp/rtp_traffic.hpp"

namespace dialcore::bench {
namespace {

using bencode::Value;

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// A UDP port on 127.0.0.1 free right now (the kernel's pick); 0 on error.
std::uint16_t free_udp_port() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in a = loopback(0);
  socklen_t len = sizeof(a);
  std::uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

// A media port range of `size` outside the kernel's ephemeral range (where our generator's and
// dialcore's sockets live), at a random offset so two benches on the box rarely collide.
std::pair<int, int> media_range(int size) {
  int lo = 32768, hi = 60999;
  std::ifstream f("/proc/sys/net/ipv4/ip_local_port_range");
  f >> lo >> hi;
  std::mt19937 rng(static_cast<unsigned>(getpid()) ^ static_cast<unsigned>(monotonic_ns()));
  int base = 0;
  if (lo - 10000 >= size) {
    base = 10000 + static_cast<int>(rng() % static_cast<unsigned>(lo - 10000 - size + 1));
  } else {
    base = hi + 1 + static_cast<int>(rng() % static_cast<unsigned>(std::max(1, 65535 - hi - size)));
  }
  base &= ~1;  // RTP on even ports
  return {base, std::min(65535, base + size - 1)};
}

std::string sdp(std::uint16_t port, RtpCodec codec, std::size_t session) {
  std::ostringstream s;
  s << "v=0\r\no=- " << session << " 1 IN IP4 127.0.0.1\r\ns=dialbench\r\n"
    << "c=IN IP4 127.0.0.1\r\nt=0 0\r\n";
  if (codec == RtpCodec::G729) {
    s << "m=audio " << port << " RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\n";
  } else {
    s << "m=audio " << port << " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
  }
  s << "a=sendrecv\r\na=ptime:20\r\n";
  return s.str();
}

// The port of the first m= line, 0 when absent.
std::uint16_t media_port(const std::string& text) {
  const std::size_t m = text.find("m=audio ");
  if (m == std::string::npos) return 0;
  const long port = std::strtol(text.c_str() + m + 8, nullptr, 10);
  return port > 0 && port < 65536 ? static_cast<std::uint16_t>(port) : 0;
}

std::uint64_t read_u64_prefix(const std::string& path) {
  std::ifstream f(path);
  std::uint64_t v = 0;
  f >> v;
  return v;
}

}  // namespace

RtpengineRelay::RtpengineRelay(std::string binary, int threads)
    : binary_(std::move(binary)), threads_(threads) {}

RtpengineRelay::~RtpengineRelay() { stop(); }

std::optional<std::string> RtpengineRelay::find_binary(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    return access(name.c_str(), X_OK) == 0 ? std::optional<std::string>(name) : std::nullopt;
  }
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/usr/bin:/usr/local/bin";
  std::istringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

bool RtpengineRelay::start(std::size_t calls, std::string& error) {
  const auto path = find_binary(binary_);
  if (!path) {
    error = "'" + binary_ + "' not found (Debian package rtpengine-daemon)";
    return false;
  }
  const std::uint16_t ng_port = free_udp_port();
  // Two ports per side (RTP, RTCP), two sides per call; twice that for rtpengine's random picks.
  const auto [port_min, port_max] = media_range(static_cast<int>(8 * calls + 200));
  char log_template[] = "/tmp/dialbench-rtpengine-XXXXXX";
  const int log_fd = mkstemp(log_template);
  if (log_fd < 0 || ng_port == 0) {
    error = "cannot create the log file or find a free ng port";
    return false;
  }
  log_path_ = log_template;
  std::vector<std::string> args = {*path,
                                   "--config-file=none",
                                   "--table=-1",
                                   "--interface=127.0.0.1",
                                   "--listen-ng=127.0.0.1:" + std::to_string(ng_port),
                                   "--foreground",
                                   "--log-stderr",
                                   "--log-level=5",
                                   "--num-threads=" + std::to_string(threads_),
                                   "--port-min=" + std::to_string(port_min),
                                   "--port-max=" + std::to_string(port_max),
                                   "--pidfile=/dev/null"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    close(log_fd);
    return false;
  }
  if (pid_ == 0) {                     // child: async-signal-safe calls only
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the bench
    if (getppid() != parent) _exit(127);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);

  ng_fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const sockaddr_in ng = loopback(ng_port);
  if (ng_fd_ < 0 || connect(ng_fd_, reinterpret_cast<const sockaddr*>(&ng), sizeof(ng)) != 0) {
    error = std::string("ng socket: ") + std::strerror(errno);
    return false;
  }
  // Up to 10 s for the daemon to answer a ping.
  for (int i = 0; i < 50; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      keep_log_ = true;
      error = "rtpengine exited at start (status " + std::to_string(status) + "): " + log_tail();
      return false;
    }
    const std::string ping = "ping-" + std::to_string(i) + " " +
                             bencode::encode(Value::of_dict({{"command", Value::of("ping")}}));
    send(ng_fd_, ping.data(), ping.size(), 0);
    // Until the daemon listens, the ping comes back as ECONNREFUSED at once: wait out 200 ms.
    const std::uint64_t next_try = monotonic_ns() + 200'000'000;
    pollfd p{ng_fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) == 1) {
      char buf[512];
      const ssize_t n = recv(ng_fd_, buf, sizeof(buf), 0);
      if (n > 0 &&
          std::string(buf, static_cast<std::size_t>(n)).find("pong") != std::string::npos) {
        return true;
      }
    }
    const std::uint64_t now = monotonic_ns();
    if (now < next_try) std::this_thread::sleep_for(std::chrono::nanoseconds(next_try - now));
  }
  keep_log_ = true;
  error = "rtpengine did not answer ng ping within 10 s: " + log_tail();
  return false;
}

std::optional<bencode::Value> RtpengineRelay::request(const Value& dict, std::string& error) {
  const std::string cookie = "db" + std::to_string(getpid()) + "-" + std::to_string(++cookie_);
  const std::string msg = cookie + " " + bencode::encode(dict);
  std::string buf(65536, '\0');
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (send(ng_fd_, msg.data(), msg.size(), 0) < 0) {
      error = std::string("ng send: ") + std::strerror(errno);
      return std::nullopt;
    }
    const auto deadline = monotonic_ns() + 2'000'000'000ull;
    while (monotonic_ns() < deadline) {
      pollfd p{ng_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) != 1) continue;
      const ssize_t n = recv(ng_fd_, buf.data(), buf.size(), 0);
      if (n <= 0) continue;
      const std::string_view reply(buf.data(), static_cast<std::size_t>(n));
      if (reply.size() <= cookie.size() || reply.substr(0, cookie.size() + 1) != cookie + " ") {
        continue;  // an answer to an earlier try
      }
      auto v = bencode::decode(reply.substr(cookie.size() + 1));
      if (!v || v->kind != Value::Kind::Dict) {
        error = "ng: malformed reply";
        return std::nullopt;
      }
      return v;
    }
  }
  error = "ng: no reply in 3 tries";
  return std::nullopt;
}

bool RtpengineRelay::setup(std::span<const CallSockets> calls, RtpCodec codec,
                           std::vector<CallRelayPorts>& ports, std::string& error) {
  if (!start(calls.size(), error)) return false;
  ports.assign(calls.size(), CallRelayPorts{});
  const std::string run = std::to_string(getpid()) + "-" + std::to_string(monotonic_ns());
  // Sends one offer or answer and reads the relay's port from the SDP it returns.
  auto negotiate = [&](const Value& message, std::uint16_t& port) {
    const auto reply = request(message, error);
    if (!reply) return false;
    const std::string command = message.string_at("command").value_or("?");
    if (reply->string_at("result").value_or("") != "ok") {
      error = "ng " + command + ": " + reply->string_at("result").value_or("?") + " " +
              reply->string_at("error-reason").value_or("");
      return false;
    }
    port = media_port(reply->string_at("sdp").value_or(""));
    if (port == 0) error = "ng " + command + ": no m= port in the returned SDP";
    return port != 0;
  };
  for (std::size_t c = 0; c < calls.size(); ++c) {
    std::map<std::string, Value> m = {
        {"command", Value::of("offer")},
        {"call-id", Value::of("dialbench-" + run + "-" + std::to_string(c))},
        {"from-tag", Value::of(std::to_string(c).insert(0, 1, 'a'))},
        {"ICE", Value::of("remove")},
        {"sdp", Value::of(sdp(calls[c].a_port, codec, c))}};
    // The offer carries side A's address; rtpengine's port in it is where B must send.
    if (!negotiate(Value::of_dict(m), ports[c].relay_for_b)) return false;
    m["command"] = Value::of("answer");
    m["to-tag"] = Value::of(std::to_string(c).insert(0, 1, 'b'));
    m["sdp"] = Value::of(sdp(calls[c].b_port, codec, c));
    if (!negotiate(Value::of_dict(m), ports[c].relay_for_a)) return false;
  }
  return true;
}

std::uint64_t RtpengineRelay::cpu_ns() {
  if (pid_ <= 0) return 0;
  const std::string task_dir = "/proc/" + std::to_string(pid_) + "/task";
  std::uint64_t total = 0;
  bool schedstat = true;
  if (DIR* d = opendir(task_dir.c_str())) {
    while (const dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      const std::string path = task_dir + "/" + e->d_name + "/schedstat";
      if (access(path.c_str(), R_OK) != 0) schedstat = false;
      total += read_u64_prefix(path);
    }
    closedir(d);
  }
  if (schedstat) return total;
  // Fallback: utime + stime of the whole process, clock ticks.
  std::ifstream f("/proc/" + std::to_string(pid_) + "/stat");
  std::string line;
  std::getline(f, line);
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  std::uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  const long hz = sysconf(_SC_CLK_TCK);
  return (utime + stime) * 1'000'000'000ull / static_cast<std::uint64_t>(hz > 0 ? hz : 100);
}

void RtpengineRelay::stop() {
  if (ng_fd_ >= 0) close(ng_fd_);
  ng_fd_ = -1;
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    bool gone = false;
    for (int i = 0; i < 30 && !gone; ++i) {
      gone = waitpid(pid_, nullptr, WNOHANG) == pid_;
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!gone) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
  if (!log_path_.empty() && !keep_log_) unlink(log_path_.c_str());
  if (keep_log_ && !log_path_.empty()) log_path_.clear();
}

std::string RtpengineRelay::log_tail() const {
  std::ifstream f(log_path_);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (text.size() > 600) text = "..." + text.substr(text.size() - 600);
  return text + " (log: " + log_path_ + ")";
}

}  // namespace dialcore::bench
