#include "bench/dsp/spandsp_dtmf.hpp"

// spandsp's headers need these first and do not include them themselves.
#include <stddef.h>
#include <stdint.h>
// clang-format off
#include <spandsp/telephony.h>
#include <spandsp/logging.h>
#include <spandsp/super_tone_rx.h>
#include <spandsp/dtmf.h>
// clang-format on

#include <stdexcept>

namespace dialcore::bench {

SpandspDtmf::SpandspDtmf() : rx_(dtmf_rx_init(nullptr, &SpandspDtmf::on_digits, this)) {
  if (rx_ == nullptr) throw std::runtime_error("spandsp: dtmf_rx_init failed");
  digits_.reserve(256);  // keeps the timed loop free of allocations on ordinary inputs
}

SpandspDtmf::~SpandspDtmf() { dtmf_rx_free(rx_); }

void SpandspDtmf::process(std::span<const std::int16_t> pcm) noexcept {
  dtmf_rx(rx_, pcm.data(), static_cast<int>(pcm.size()));
}

void SpandspDtmf::on_digits(void* self, const char* digits, int len) {
  static_cast<SpandspDtmf*>(self)->digits_.append(digits, static_cast<std::size_t>(len));
}

}  // namespace dialcore::bench
