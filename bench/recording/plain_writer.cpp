#include "bench/recording/plain_writer.hpp"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <vector>

namespace dialcore::bench {

namespace {
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
}  // namespace

PlainWrite plain_write(const std::string& dir, std::uint64_t bytes) {
  PlainWrite result;
  const std::string path = dir + "/plain-writer.bin";
  std::vector<char> block(64 * 1024, 'x');
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = thread_cpu_s();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return result;
  for (std::uint64_t left = bytes; left > 0;) {
    const std::size_t n = left < block.size() ? static_cast<std::size_t>(left) : block.size();
    if (::write(fd, block.data(), n) != static_cast<ssize_t>(n)) {
      ::close(fd);
      ::unlink(path.c_str());
      return result;
    }
    left -= n;
  }
  ::fdatasync(fd);
  ::close(fd);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.cpu_seconds = thread_cpu_s() - cpu0;
  ::unlink(path.c_str());
  return result;
}

}  // namespace dialcore::bench
