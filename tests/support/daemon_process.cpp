#include "tests/support/daemon_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace dialcore::test {

DaemonProcess::DaemonProcess(std::string binary, std::string yaml_body, std::string admin_token)
    : binary_(std::move(binary)), token_(std::move(admin_token)) {
  std::string pattern = (std::filesystem::temp_directory_path() / "dialcored-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  write_config(yaml_body);
}

void DaemonProcess::write_config(const std::string& yaml_body, const std::string& token) {
  std::ofstream f(config_path());
  f << "data_dir: " << dir_.string() << "/data\n"
    << "api:\n  listen: 127.0.0.1:0\n  admin_token: \"" << (token.empty() ? token_ : token)
    << "\"\n"
    << yaml_body;
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) stop(SIGKILL);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool DaemonProcess::start() {
  int out[2];
  if (pipe(out) != 0) return false;
  const std::string err_path = (dir_ / "stderr.log").string();
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (err >= 0) dup2(err, 2);
    close(out[0]);
    close(out[1]);
    unsetenv("DIALCORE_ADMIN_TOKEN");
    const std::string cfg = config_path();
    execl(binary_.c_str(), binary_.c_str(), "--config", cfg.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  if (pid_ < 0) {
    close(out[0]);
    return false;
  }
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool found = false;
  while (!found && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char c;
    const ssize_t n = read(out[0], &c, 1);
    if (n <= 0) break;
    if (c != '\n') {
      line += c;
      continue;
    }
    constexpr std::string_view kPrefix = "api listening on ";
    if (line.rfind(kPrefix, 0) == 0) {
      const std::string addr = line.substr(kPrefix.size());
      const auto colon = addr.rfind(':');
      host_ = addr.substr(0, colon);
      port_ = static_cast<std::uint16_t>(std::stoi(addr.substr(colon + 1)));
      found = true;
    }
    line.clear();
  }
  close(out[0]);  // the daemon writes nothing else to stdout
  if (!found) stop(SIGKILL);
  return found;
}

void DaemonProcess::signal(int signal_number) {
  if (pid_ > 0) kill(pid_, signal_number);
}

int DaemonProcess::stop(int signal_number) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal_number);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

std::string DaemonProcess::stderr_text() const {
  std::ifstream f(dir_ / "stderr.log");
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace dialcore::test
