#pragma once
// spandsp's DTMF receiver (dtmf_rx, libspandsp 0.0.6 with its default parameters), the peer our
// detector is measured against: `dialbench dsp` times both on the same audio in the same run,
// `dialbench dtmf detect --spandsp` runs it on files so the corpus scorers can grade it too.
// Bench only: spandsp is linked into dialbench and nowhere else.

#include <cstdint>
#include <span>
#include <string>

struct dtmf_rx_state_s;  // spandsp's receiver state

namespace dialcore::bench {

class SpandspDtmf {
 public:
  SpandspDtmf();  // dtmf_rx_init(): allocates the receiver
  ~SpandspDtmf();
  SpandspDtmf(const SpandspDtmf&) = delete;
  SpandspDtmf& operator=(const SpandspDtmf&) = delete;

  void process(std::span<const std::int16_t> pcm) noexcept;
  // Keys reported so far, in order (spandsp reports a key once it is confirmed).
  const std::string& digits() const noexcept { return digits_; }

 private:
  static void on_digits(void* self, const char* digits, int len);
  dtmf_rx_state_s* rx_ = nullptr;
  std::string digits_;
};

}  // namespace dialcore::bench
