#pragma once
// The disk's bound for `dialbench recording`: the same number of bytes written sequentially to
// one file in 64 KiB writes, as plainly as a program can, fdatasync'ed (the recorder's run ends
// with a syncfs, so both are timed until the bytes are on the disk), closed and removed.

#include <cstdint>
#include <string>

namespace dialcore::bench {

struct PlainWrite {
  double seconds = -1;  // wall, negative if the file could not be written
  double cpu_seconds = 0;
};
PlainWrite plain_write(const std::string& dir, std::uint64_t bytes);

}  // namespace dialcore::bench
