#pragma once
// Small POSIX helpers of the recorder (internal to dataplane/recording).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace dialcore::dataplane::recording {

// pwrite until done or an error: returns 0 or the errno, and in `written` what reached the file.
int pwrite_all(int fd, std::span<const std::byte> bytes, std::uint64_t offset, std::size_t& written) noexcept;
// Creates `path` exclusively with `mode` (fchmod, so the umask cannot widen or narrow it;
// recording.file_mode, 0640 by default).
int create_file_0640(const std::string& path, int& error, std::uint32_t mode = 0640) noexcept;
// mkdir -p of the folder holding `path` (folders 0750). 0 or an errno.
int make_parent_dirs(const std::string& path) noexcept;
// Writes `text` to `path` through `path.tmp` + rename, mode 0640. 0 or an errno.
int write_file_atomically(const std::string& path, const std::string& text, bool fsync) noexcept;

}  // namespace dialcore::dataplane::recording
