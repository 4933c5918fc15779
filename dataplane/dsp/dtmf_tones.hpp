#pragma once
// The DTMF keypad (ITU-T Q.23): four row (low group) and four column (high group) frequencies;
// a key sends one of each. Shared by the detector, the generator and their tests.

#include <array>
#include <cstdint>

namespace dialcore::dataplane::dsp {

inline constexpr std::array<float, 4> kDtmfRowHz = {697.0f, 770.0f, 852.0f, 941.0f};
inline constexpr std::array<float, 4> kDtmfColHz = {1209.0f, 1336.0f, 1477.0f, 1633.0f};
// Key of row r and column c is kDtmfKeys[r * 4 + c].
inline constexpr std::array<char, 16> kDtmfKeys = {'1', '2', '3', 'A', '4', '5', '6', 'B',
                                                   '7', '8', '9', 'C', '*', '0', '#', 'D'};

// Index into kDtmfKeys of `key` (digits, '*', '#', 'A'-'D', lower case accepted), or -1.
constexpr int dtmf_key_index(char key) noexcept {
  const char k = (key >= 'a' && key <= 'd') ? static_cast<char>(key - 'a' + 'A') : key;
  for (int i = 0; i < 16; ++i) {
    if (kDtmfKeys[static_cast<std::size_t>(i)] == k) return i;
  }
  return -1;
}

}  // namespace dialcore::dataplane::dsp
