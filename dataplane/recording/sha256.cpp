#include "dataplane/recording/sha256.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cstdint>

namespace dialcore::dataplane::recording {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::update(std::span<const std::byte> bytes) noexcept {
  EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
}

std::string Sha256::hex_digest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, md.data(), &len);
  EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string sha256_of_file(const std::string& path, std::uint64_t offset) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  Sha256 sha;
  std::array<std::byte, 65536> buf{};
  auto pos = static_cast<off_t>(offset);
  for (;;) {
    const ssize_t n = ::pread(fd, buf.data(), buf.size(), pos);
    if (n < 0) {
      ::close(fd);
      return {};
    }
    if (n == 0) break;
    sha.update(std::span<const std::byte>(buf.data(), static_cast<std::size_t>(n)));
    pos += n;
  }
  ::close(fd);
  return sha.hex_digest();
}

}  // namespace dialcore::dataplane::recording
