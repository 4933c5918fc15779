#include "tests/support/sim_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

extern char** environ;

namespace dialcore::test {

SimProcess::SimProcess(std::vector<std::string> args, const std::string& stderr_log) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  out_ = fds[0];
  if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
  // The first line: "listen HOST:PORT".
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (output_.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    read_available(100);
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("the simulator exited at start; see " + stderr_log);
    }
  }
  const auto nl = output_.find('\n');
  if (nl == std::string::npos || output_.rfind("listen ", 0) != 0) {
    throw std::runtime_error("no listen line from the simulator: " + output_);
  }
  const std::string line = output_.substr(0, nl);
  port_ = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
  output_.erase(0, nl + 1);
}

SimProcess::~SimProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (out_ >= 0) ::close(out_);
}

void SimProcess::read_available(int timeout_ms) {
  pollfd p{out_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return;
  char buf[4096];
  const ssize_t n = ::read(out_, buf, sizeof buf);
  if (n > 0) output_.append(buf, static_cast<std::size_t>(n));
}

void SimProcess::terminate() {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}

int SimProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (pid_ > 0) {
    read_available(50);
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
      return -1;
    }
  }
  for (int i = 0; i < 20; ++i) read_available(10);  // what is left in the pipe
  return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
}

std::string SimProcess::json_line() const {
  std::string s = output_;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  const auto nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

long long SimProcess::json_number(const std::string& key) const {
  const std::string json = json_line();
  std::size_t from = 0;
  std::string leaf = key;
  if (const auto dot = key.find('.'); dot != std::string::npos) {
    const std::string object = '"' + key.substr(0, dot) + "\":{";
    from = json.find(object);
    if (from == std::string::npos) return -1;
    leaf = key.substr(dot + 1);
  }
  const std::string field = '"' + leaf + "\":";
  const auto at = json.find(field, from);
  if (at == std::string::npos) return -1;
  return std::stoll(json.substr(at + field.size()));
}

}  // namespace dialcore::test
