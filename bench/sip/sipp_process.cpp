#include "bench/sip/sipp_process.hpp"

#include "bench/support/spawn_logged.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace dialcore::bench::sip {

SippProcess::SippProcess(const std::string& dir, const std::string& name,
                         std::vector<std::string> args)
    : log_path_(dir + "/" + name + ".log"), stat_path_(dir + "/" + name + ".csv") {
  for (const char* a : {"-trace_stat", "-fd", "1", "-nostdin"}) args.emplace_back(a);
  args.insert(args.end(), {"-stf", stat_path_});
  pid_ = bench::spawn_logged("sipp", args, dir, log_path_);
}

SippProcess::~SippProcess() { kill(); }

bool SippProcess::poll() {
  if (pid_ <= 0) return true;
  int status = 0;
  rusage usage{};
  if (::wait4(pid_, &status, WNOHANG, &usage) != pid_) return false;
  pid_ = -1;
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  cpu_s_ = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  return true;
}

int SippProcess::wait(std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!poll() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (pid_ > 0) kill();
  return status_;
}

void SippProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  const pid_t pid = pid_;
  while (!poll()) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) {  // reaped elsewhere: no rusage
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  status_ = -1;
}

SippCalls SippProcess::calls() const {
  // sipp's CSV: a header line of ';'-separated names, then one line per period and a last one
  // at exit; the counters named "...(C)" are cumulative.
  std::ifstream in(stat_path_);
  std::string header, line, last;
  std::getline(in, header);
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  auto split = [](const std::string& text) {
    std::vector<std::string> out;
    std::stringstream s(text);
    std::string field;
    while (std::getline(s, field, ';')) out.push_back(field);
    return out;
  };
  const std::vector<std::string> names = split(header), values = split(last);
  SippCalls calls;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    const std::uint64_t v = std::strtoull(values[i].c_str(), nullptr, 10);
    if (names[i] == "SuccessfulCall(C)") {
      calls.ok = v;
      calls.read = true;
    } else if (names[i] == "FailedCall(C)") {
      calls.failed = v;
    }
  }
  return calls;
}

std::string SippProcess::log_tail(std::size_t bytes) const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  const std::string text = s.str();
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

namespace {
// Binds 127.0.0.1:`port` (0: the kernel picks) and returns the bound port, 0 on failure.
std::uint16_t bind_probe(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  std::uint16_t got = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    got = ntohs(addr.sin_port);
  }
  ::close(fd);
  return got;
}

// Ports handed out by this process: a probe releases its port at once, so the kernel could
// pick it again before the sipp it was meant for binds it; never hand one out twice.
std::set<std::uint16_t>& handed_out() {
  static std::set<std::uint16_t> ports;
  return ports;
}
bool taken(std::uint16_t first, std::uint16_t count) {
  for (std::uint16_t k = 0; k < count; ++k) {
    if (handed_out().count(static_cast<std::uint16_t>(first + k)) != 0) return true;
  }
  return false;
}
}  // namespace

std::uint16_t free_udp_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const std::uint16_t p = bind_probe(0);
    if (p != 0 && !taken(p, 1)) {
      handed_out().insert(p);
      return p;
    }
  }
  return 0;
}

std::uint16_t free_media_port() {
  // sipp binds -mp and the ports after it (RTCP, video): four consecutive free ports.
  for (int attempt = 0; attempt < 50; ++attempt) {
    const std::uint16_t p = bind_probe(0);
    if (p == 0 || p > 65530) continue;
    const auto even = static_cast<std::uint16_t>(p & ~1U);
    if (taken(even, 4)) continue;
    bool all = true;
    for (std::uint16_t k = 0; k < 4 && all; ++k) {
      all = bind_probe(static_cast<std::uint16_t>(even + k)) != 0;
    }
    if (!all) continue;
    for (std::uint16_t k = 0; k < 4; ++k) handed_out().insert(static_cast<std::uint16_t>(even + k));
    return even;
  }
  return 0;
}

}  // namespace dialcore::bench::sip
