#pragma once
// Per-leg answering-machine detection (issue 4): the pooled analysis state a leg borrows from
// StartAmd until its analysis ends (verdict, correction window, beep), StopAmd or DestroyLeg.
//
// AmdSlot holds the detector (its 77-lane Goertzel bank and feature state), the 16-to-8 kHz
// decimator for wideband legs and the partial 20 ms frame: received payloads come in any ptime
// (10, 20, 30 ms, ...), the detector takes exactly 160 samples. Slots live in a SlotPool
// (leg_dtmf.hpp) built at worker start, one per leg by default (WorkerConfig::amd_detectors):
// nothing is allocated on the packet path. The Leg keeps only a flag (Leg::amd) and the worker
// an array of slot numbers indexed like the leg table.

#include <array>
#include <cstdint>
#include <memory>

#include "codecs/codec.hpp"

#include "dataplane/dsp/amd_detector.hpp"
#include "dataplane/dsp/half_band_decimator.hpp"

namespace dialcore::dataplane {

struct AmdSlot {
  dsp::AmdDetector detector;
  dsp::HalfBandDecimator decimator;  // 16 kHz legs only; reset at start
  std::array<std::int16_t, dsp::AmdDetector::kFrameSamples> frame{};  // the frame being filled
  std::uint16_t filled = 0;          // samples in `frame`
  std::uint64_t started_ns = 0;      // the worker's clock at StartAmd
  std::uint32_t frames = 0;          // frames fed (received audio and silence for RTP gaps)
  std::uint32_t guard_ms = 0;        // wall-clock bound of the whole analysis (Worker::scan_amd)
  bool report_beep = false;
  bool decided = false;              // the verdict has been posted
  // A leg whose codec is not G.711 (G.729, Opus, L16) and whose packets are relayed as they
  // are has no decoded audio: StartAmd makes this decoder for it (setup: it allocates). It is
  // replaced by the next StartAmd on this slot or freed by StopAmd/DestroyLeg (commands), never
  // on the packet path, even when the analysis ends there.
  std::unique_ptr<codecs::Decoder> decoder;
  std::uint32_t decoder_rate_hz = 0;
};

}  // namespace dialcore::dataplane
