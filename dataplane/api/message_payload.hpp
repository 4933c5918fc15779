#pragma once
// MessagePayload: the fixed byte area that carries a Command's or an Event's arguments. An
// argument struct is copied in and out as bytes (std::memcpy), so the message stays trivially
// copyable and its size is fixed, whatever arguments it carries: the shape of rtpengine's
// kernel-module ABI, with the per-type structs checked at compile time instead of by casts.

#include <array>
#include <cstddef>
#include <cstring>
#include <type_traits>

namespace dialcore::dataplane {

template <std::size_t Bytes>
struct MessagePayload {
  alignas(8) std::array<std::byte, Bytes> bytes{};

  template <typename Args>
  void store(const Args& args) noexcept {
    static_assert(std::is_trivially_copyable_v<Args>);
    static_assert(sizeof(Args) <= Bytes, "argument struct does not fit the message payload");
    bytes = {};  // unused tail stays zero: equal messages compare equal byte for byte
    std::memcpy(bytes.data(), &args, sizeof(Args));
  }

  template <typename Args>
  Args load() const noexcept {
    static_assert(std::is_trivially_copyable_v<Args>);
    static_assert(std::is_default_constructible_v<Args>);
    static_assert(sizeof(Args) <= Bytes, "argument struct does not fit the message payload");
    Args args;
    std::memcpy(&args, bytes.data(), sizeof(Args));
    return args;
  }
};

}  // namespace dialcore::dataplane
