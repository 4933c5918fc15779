#include "dataplane/recording/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace dialcore::dataplane::recording {

int pwrite_all(int fd, std::span<const std::byte> bytes, std::uint64_t offset, std::size_t& written) noexcept {
  written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + written, bytes.size() - written,
                               static_cast<off_t>(offset + written));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return ENOSPC;
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

int create_file_0640(const std::string& path, int& error, std::uint32_t mode) noexcept {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = errno;
    return -1;
  }
  if (::fchmod(fd, static_cast<mode_t>(mode & 07777)) != 0) {
    error = errno;
    ::close(fd);
    ::unlink(path.c_str());
    return -1;
  }
  error = 0;
  return fd;
}

int make_parent_dirs(const std::string& path) noexcept {
  for (std::size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
    const std::string dir = path.substr(0, pos);
    if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) return errno;
  }
  return 0;
}

int write_file_atomically(const std::string& path, const std::string& text, bool fsync) noexcept {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return errno;
  ::fchmod(fd, 0640);
  std::size_t written = 0;
  int err = pwrite_all(fd, std::as_bytes(std::span<const char>(text.data(), text.size())), 0, written);
  if (err == 0 && fsync && ::fdatasync(fd) != 0) err = errno;
  ::close(fd);
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) ::unlink(tmp.c_str());
  return err;
}

}  // namespace dialcore::dataplane::recording
