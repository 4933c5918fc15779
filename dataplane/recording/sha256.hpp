#pragma once
// Streaming SHA-256 (OpenSSL libcrypto's EVP, which uses the CPU's SHA extensions when present).
// Recorder-side only: the context is allocated at construction.

#include <cstddef>
#include <memory>
#include <span>
#include <string>

struct evp_md_ctx_st;

namespace dialcore::dataplane::recording {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const std::byte> bytes) noexcept;
  std::string hex_digest();  // finishes; the object starts over afterwards

 private:
  evp_md_ctx_st* ctx_;
};

// SHA-256 of the file at `path` from byte `offset` to its end, in hex; empty if unreadable.
std::string sha256_of_file(const std::string& path, std::uint64_t offset);

}  // namespace dialcore::dataplane::recording
