#pragma once
// The answers the simulator plays: clips from an AMD corpus folder (the amd-dev layout of
// /work/shared/corpus/README.md: `labels.csv` with `file,label,...`; tests/fixtures/amd's
// `expected.csv` has the same first two columns and is read when there is no labels.csv).
// HUMAN clips are live answers, MACHINE clips greetings with their beep.

#include <cstdint>
#include <string>
#include <vector>

namespace dialcore::sim::carrier {

struct Clip {
  std::string file;  // name as in the labels
  std::vector<std::int16_t> pcm;  // 8 kHz mono
};

class Corpus {
 public:
  // Loads every HUMAN and MACHINE clip of `dir`. Throws std::runtime_error when the labels are
  // missing, a listed file cannot be read, or either label has no clip.
  static Corpus load(const std::string& dir);

  const std::vector<Clip>& humans() const { return humans_; }
  const std::vector<Clip>& machines() const { return machines_; }
  const Clip& human(std::uint32_t draw) const { return humans_[draw % humans_.size()]; }
  const Clip& machine(std::uint32_t draw) const { return machines_[draw % machines_.size()]; }

 private:
  std::vector<Clip> humans_, machines_;
};

}  // namespace dialcore::sim::carrier
