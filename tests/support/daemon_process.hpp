#pragma once
// A real dialcored for a test: writes the YAML under a fresh temp directory (data_dir is that
// directory), starts the binary with stdout piped, waits (bounded) for "api listening on
// HOST:PORT", and kills it at the end of the test even when the test fails (destructor:
// SIGTERM, then SIGKILL after 5 s). stop() / start() restart it on the same data directory.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace dialcore::test {

class DaemonProcess {
 public:
  // `yaml_body` is the config without data_dir and api.listen (added here).
  DaemonProcess(std::string binary, std::string yaml_body, std::string admin_token);
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  bool start();  // false when it did not print its address within 20 s (stderr kept)
  int stop(int signal_number = 15);  // exit status, or 128+signal
  bool running() const { return pid_ > 0; }
  void signal(int signal_number);

  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }
  const std::string& token() const { return token_; }
  std::string url() const { return "http://" + host_ + ":" + std::to_string(port_); }
  std::filesystem::path dir() const { return dir_; }
  std::string config_path() const { return (dir_ / "dialcore.yaml").string(); }
  std::string stderr_text() const;  // what the daemon logged so far
  // Rewrites the config file (for SIGHUP tests); `token` empty: the admin token given at start.
  void write_config(const std::string& yaml_body, const std::string& token = "");

 private:
  std::string binary_;
  std::string token_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  std::string host_;
  std::uint16_t port_ = 0;
};

}  // namespace dialcore::test
