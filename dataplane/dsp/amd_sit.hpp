#pragma once
// Special information tones (Telcordia/Bellcore, as used in North America): three tone segments,
// the third always 1776.7 Hz. The first two are each "low" or "high" in frequency (913.8 or
// 985.2 Hz, then 1370.6 or 1428.5 Hz) and "short" (274 ms) or "long" (380 ms); the four bits
// name the cause. This header holds the table and the classification; the AMD detector
// measures the segments (amd_detector.cpp).

#include <cstdint>

namespace dialcore::dataplane::dsp {

enum class SitCode : std::uint8_t {
  None,        // no SIT heard
  Intercept,   // IC: low short, low short - vacant number, changed number
  VacantCode,  // VC: high long, low short
  NoCircuitInter,  // NC (inter-LATA): high long, high long - trunk blockage, try later
  NoCircuitIntra,  // NC' (intra-LATA): low long, low long
  ReorderInter,    // RO (inter-LATA): high short, low long - equipment irregularity
  ReorderIntra,    // RO' (intra-LATA): low short, high long
  IneffectiveOther,  // IO: low long, high short
  Reserved,          // high short, high short (assigned to future use)
  Unknown,           // the third tone after a SIT-like second tone, first tone not measured
};

const char* sit_code_name(SitCode code) noexcept;

// The SIT frequencies in Hz.
inline constexpr float kSitLow1 = 913.8f, kSitHigh1 = 985.2f;
inline constexpr float kSitLow2 = 1370.6f, kSitHigh2 = 1428.5f;
inline constexpr float kSitThird = 1776.7f;
// Short 274 ms and long 380 ms: the boundary between them.
inline constexpr std::uint32_t kSitLongFromMs = 327;

// Classifies a SIT from its first two segments. high1/high2: the segment was at the high
// frequency; long1/long2: it lasted kSitLongFromMs or more.
constexpr SitCode classify_sit(bool high1, bool long1, bool high2, bool long2) noexcept {
  const int key = (high1 ? 8 : 0) | (long1 ? 4 : 0) | (high2 ? 2 : 0) | (long2 ? 1 : 0);
  switch (key) {
    case 0b0000: return SitCode::Intercept;         // low short, low short
    case 0b1100: return SitCode::VacantCode;        // high long, low short
    case 0b1111: return SitCode::NoCircuitInter;    // high long, high long
    case 0b0101: return SitCode::NoCircuitIntra;    // low long, low long
    case 0b1001: return SitCode::ReorderInter;      // high short, low long
    case 0b0011: return SitCode::ReorderIntra;      // low short, high long
    case 0b0110: return SitCode::IneffectiveOther;  // low long, high short
    case 0b1010: return SitCode::Reserved;          // high short, high short
    default: return SitCode::Unknown;               // a combination the table does not assign
  }
}

}  // namespace dialcore::dataplane::dsp
