#include "sim/carrier/corpus.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "sim/common/wav_io.hpp"

namespace dialcore::sim::carrier {

Corpus Corpus::load(const std::string& dir) {
  namespace fs = std::filesystem;
  fs::path labels = fs::path(dir) / "labels.csv";
  if (!fs::exists(labels)) labels = fs::path(dir) / "expected.csv";
  std::ifstream in(labels);
  if (!in) throw std::runtime_error(dir + ": no labels.csv (or expected.csv)");
  Corpus c;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto c1 = line.find(',');
    if (c1 == std::string::npos || n == 1) continue;  // header or junk
    const auto c2 = line.find(',', c1 + 1);
    const std::string file = line.substr(0, c1);
    const std::string label = line.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1);
    if (label != "HUMAN" && label != "MACHINE") continue;
    Clip clip{file, read_wav_8k((fs::path(dir) / file).string())};
    if (clip.pcm.size() < 160) throw std::runtime_error(dir + "/" + file + ": shorter than 20 ms");
    (label == "HUMAN" ? c.humans_ : c.machines_).push_back(std::move(clip));
  }
  if (c.humans_.empty()) throw std::runtime_error(labels.string() + ": no HUMAN clip");
  if (c.machines_.empty()) throw std::runtime_error(labels.string() + ": no MACHINE clip");
  return c;
}

}  // namespace dialcore::sim::carrier
