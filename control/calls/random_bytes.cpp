#include "control/calls/random_bytes.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace dialcore::control::calls {

bool random_fill(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::fill(out.begin(), out.end(), std::uint8_t{0});
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::uint64_t random_u64() {
  std::uint8_t bytes[8];
  random_fill(bytes);
  std::uint64_t v = 0;
  std::memcpy(&v, bytes, sizeof v);
  return v;
}

}  // namespace dialcore::control::calls
