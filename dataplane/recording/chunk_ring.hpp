#pragma once
// What travels from a worker to a recorder thread: fixed 64-byte items over an SPSC ring, in
// the order the worker produced them, so a marker lands exactly between the audio before it and
// the audio after it. Audio and start requests ride in preallocated chunks named by index; the
// recorder hands each index back over a return ring. Internal to dataplane/recording.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <type_traits>

#include "dataplane/api/spsc_ring.hpp"
#include "dataplane/recording/recording_types.hpp"

namespace dialcore::dataplane::recording {

inline constexpr std::uint32_t kNoChunk = UINT32_MAX;

enum class ItemKind : std::uint8_t {
  Start = 1,   // chunk holds a RecordingStart
  Audio = 2,   // chunk holds `frames` interleaved stereo int16 frames starting at offset_frames
  Marker = 3,  // `marker` at offset_frames, `text` its label
  Stop = 4,    // the recording ends at offset_frames (silence pads it there)
};

struct alignas(64) RecItem {
  ItemKind kind = ItemKind::Audio;
  MarkerKind marker = MarkerKind::Tag;
  std::uint16_t slot = 0;
  std::uint32_t generation = 0;
  std::uint32_t chunk = kNoChunk;
  std::uint32_t frames = 0;
  std::uint64_t offset_frames = 0;
  std::array<char, 40> text{};
};
static_assert(std::is_trivially_copyable_v<RecItem>);
static_assert(sizeof(RecItem) == 64);

// One worker's chunks: one allocation at setup, chunk i at data() + i * bytes_per_chunk.
// The worker writes a chunk, the recorder reads it after popping its index (the ring's
// release/acquire orders the two), then returns the index.
class ChunkStorage {
 public:
  ChunkStorage(std::uint32_t count, std::size_t bytes_per_chunk)
      : count_(count),
        bytes_((bytes_per_chunk + 63) / 64 * 64),
        data_(static_cast<std::byte*>(::operator new[](count_ * bytes_, std::align_val_t{64}))) {}
  ~ChunkStorage() { ::operator delete[](data_, std::align_val_t{64}); }
  ChunkStorage(const ChunkStorage&) = delete;
  ChunkStorage& operator=(const ChunkStorage&) = delete;

  std::uint32_t count() const noexcept { return count_; }
  std::size_t bytes_per_chunk() const noexcept { return bytes_; }
  std::size_t frames_per_chunk() const noexcept { return bytes_ / (2 * sizeof(std::int16_t)); }
  std::byte* chunk(std::uint32_t i) const noexcept { return data_ + std::size_t{i} * bytes_; }
  std::int16_t* samples(std::uint32_t i) const noexcept {
    return reinterpret_cast<std::int16_t*>(chunk(i));
  }

 private:
  std::uint32_t count_;
  std::size_t bytes_;
  std::byte* data_;
};

// The two rings between one worker and one recorder thread.
struct RecorderLink {
  RecorderLink(std::size_t items, std::size_t chunks) : to_recorder(items), returns(chunks) {}
  SpscRing<RecItem> to_recorder;       // worker produces, recorder consumes
  SpscRing<std::uint32_t> returns;     // recorder produces (chunk indices), worker consumes;
                                       // as large as the pool, so it is never full
};

}  // namespace dialcore::dataplane::recording
