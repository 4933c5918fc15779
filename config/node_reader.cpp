#include "config/node_reader.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

namespace dialcore::config::detail {

namespace {

const char* kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Null: return "nothing";
    default: return "a scalar";
  }
}

// Levenshtein distance where swapping two neighbours counts as one edit ("salse" → "sales").
std::size_t edit_distance(const std::string& a, const std::string& b) {
  const std::size_t w = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * w);
  for (std::size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t best =
          std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        best = std::min(best, d[(i - 2) * w + j - 2] + 1);
      }
      d[i * w + j] = best;
    }
  }
  return d[a.size() * w + b.size()];
}

}  // namespace

Pos pos_of(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

void Diagnostics::error(Pos pos, const std::string& key, std::string message) {
  errors_.push_back({file_, pos.line, pos.column, key, std::move(message)});
}

void Diagnostics::warning(Pos pos, const std::string& key, std::string message) {
  warnings_.push_back({file_, pos.line, pos.column, key, std::move(message)});
}

void Diagnostics::error_at(const std::string& key, std::string message) {
  error(where(key), key, std::move(message));
}

Pos Diagnostics::where(const std::string& key) const {
  // Walk up "a.b[2].c" → "a.b[2]" → "a.b" → "a" until a remembered position.
  std::string probe = key;
  while (!probe.empty()) {
    if (auto it = positions_.find(probe); it != positions_.end()) return it->second;
    const auto cut = probe.find_last_of(".[");
    if (cut == std::string::npos) break;
    probe.resize(cut);
  }
  return {1, 1};
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(1, std::min<std::size_t>(3, word.size() / 3));
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d <= best_distance && (best.empty() || d < edit_distance(word, best))) best = c;
  }
  return best;
}

std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string best = did_you_mean(word, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

MapReader::MapReader(const YAML::Node& node, std::string path, Diagnostics& diag)
    : path_(std::move(path)), diag_(diag), pos_(pos_of(node.Mark())) {
  if (!path_.empty() && pos_.line > 0) diag_.remember(path_, pos_);
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    diag_.error(pos_, path_.empty() ? "(document)" : path_,
                std::string("expected a mapping, got ") + kind_name(node));
    ok_ = false;
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const Pos key_pos = pos_of(it->first.Mark());
    if (!it->first.IsScalar()) {
      diag_.error(key_pos, path_, "a key must be a plain word");
      continue;
    }
    const std::string key = it->first.Scalar();
    const auto same = std::find_if(entries_.begin(), entries_.end(),
                                   [&](const Entry& e) { return e.key == key; });
    if (same != entries_.end()) {
      diag_.error(key_pos, key_path(key),
                  "duplicate key (first at line " + std::to_string(same->key_pos.line) + ")");
      continue;
    }
    entries_.push_back({key, it->second, key_pos});
  }
}

std::string MapReader::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

bool MapReader::has(const char* key) const {
  for (const auto& e : entries_) {
    if (e.key == key) return !e.value.IsNull();
  }
  return false;
}

const YAML::Node* MapReader::find(const char* key, Need need) {
  asked_.emplace_back(key);
  for (auto& e : entries_) {
    if (e.key != key) continue;
    e.used = true;
    const Pos value_pos = pos_of(e.value.Mark());
    diag_.remember(key_path(key), value_pos.line > 0 ? value_pos : e.key_pos);
    if (e.value.IsNull()) break;  // "key:" with no value means the default
    return &e.value;
  }
  if (need == Need::Required && ok_) {
    diag_.error(pos_, key_path(key), "missing required key '" + std::string(key) + "'");
  }
  return nullptr;
}

bool MapReader::scalar(const char* key, const YAML::Node& node, const char* expected) {
  if (node.IsScalar()) return true;
  diag_.error(pos_of(node.Mark()), key_path(key),
              std::string("expected ") + expected + ", got " + kind_name(node));
  return false;
}

void MapReader::text(const char* key, std::string& out, Need need) {
  const YAML::Node* node = find(key, need);
  if (node == nullptr || !scalar(key, *node, "a string")) return;
  if (need == Need::Required && node->Scalar().empty()) {
    diag_.error(pos_of(node->Mark()), key_path(key), "must not be empty");
    return;
  }
  out = node->Scalar();
}

void MapReader::flag(const char* key, bool& out) {
  const YAML::Node* node = find(key, Need::Optional);
  if (node == nullptr || !scalar(key, *node, "true or false")) return;
  const std::string& s = node->Scalar();
  if (s == "true" || s == "yes" || s == "on") {
    out = true;
  } else if (s == "false" || s == "no" || s == "off") {
    out = false;
  } else {
    diag_.error(pos_of(node->Mark()), key_path(key), "expected true or false, got '" + s + "'");
  }
}

bool MapReader::read_integer(const char* key, long long& out, long long lo, long long hi,
                             Need need) {
  const YAML::Node* node = find(key, need);
  if (node == nullptr || !scalar(key, *node, "an integer")) return false;
  const std::string& s = node->Scalar();
  long long value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  const Pos pos = pos_of(node->Mark());
  if (s.empty() || ec == std::errc::invalid_argument || end != s.data() + s.size()) {
    diag_.error(pos, key_path(key), "expected an integer, got '" + s + "'");
    return false;
  }
  if (ec == std::errc::result_out_of_range || value < lo || value > hi) {
    diag_.error(pos, key_path(key),
                s + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return false;
  }
  out = value;
  return true;
}

void MapReader::number(const char* key, double& out, double lo, double hi, Need need) {
  const YAML::Node* node = find(key, need);
  if (node == nullptr || !scalar(key, *node, "a number")) return;
  const std::string& s = node->Scalar();
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  const Pos pos = pos_of(node->Mark());
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    diag_.error(pos, key_path(key), "expected a number, got '" + s + "'");
  } else if (!(value >= lo && value <= hi)) {
    std::array<char, 64> range{};
    std::snprintf(range.data(), range.size(), " is out of range [%g, %g]", lo, hi);
    diag_.error(pos, key_path(key), s + range.data());
  } else {
    out = value;
  }
}

bool MapReader::read_choice(const char* key, const std::vector<std::string>& names,
                            std::size_t& index, Need need) {
  const YAML::Node* node = find(key, need);
  if (node == nullptr || !scalar(key, *node, "a word")) return false;
  const std::string& s = node->Scalar();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == s) {
      index = i;
      return true;
    }
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  diag_.error(pos_of(node->Mark()), key_path(key),
              "'" + s + "' is not one of " + list + suggestion(s, names));
  return false;
}

const YAML::Node* MapReader::sequence(const char* key) {
  const YAML::Node* node = find(key, Need::Optional);
  if (node == nullptr) return nullptr;
  if (node->IsSequence()) return node;
  diag_.error(pos_of(node->Mark()), key_path(key),
              std::string("expected a list, got ") + kind_name(*node));
  return nullptr;
}

void MapReader::texts(const char* key, std::vector<std::string>& out, Need need) {
  const YAML::Node* list = sequence(key);
  if (list == nullptr) {
    if (need == Need::Required && ok_) {
      diag_.error(pos_, key_path(key), "missing required key '" + std::string(key) + "'");
    }
    return;
  }
  out.clear();
  std::size_t index = 0;
  for (const auto& item : *list) {
    const std::string item_path = key_path(key) + "[" + std::to_string(index++) + "]";
    diag_.remember(item_path, pos_of(item.Mark()));
    if (item.IsScalar()) {
      out.push_back(item.Scalar());
    } else {
      diag_.error(pos_of(item.Mark()), item_path,
                  std::string("expected a string, got ") + kind_name(item));
    }
  }
}

void MapReader::integers(const char* key, std::vector<int>& out, long long lo, long long hi) {
  std::vector<std::string> items;
  const bool present = sequence(key) != nullptr;
  if (!present) return;
  texts(key, items);
  asked_.pop_back();  // texts() asked again for the same key
  out.clear();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string item_path = key_path(key) + "[" + std::to_string(i) + "]";
    const std::string& s = items[i];
    long long value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
      diag_.error_at(item_path, "expected an integer, got '" + s + "'");
    } else if (value < lo || value > hi) {
      diag_.error_at(item_path, s + " is out of range [" + std::to_string(lo) + ", " +
                                    std::to_string(hi) + "]");
    } else {
      out.push_back(static_cast<int>(value));
    }
  }
}

std::optional<MapReader> MapReader::map(const char* key, Need need) {
  const YAML::Node* node = find(key, need);
  if (node == nullptr) return std::nullopt;
  MapReader reader(*node, key_path(key), diag_);
  if (!reader.ok()) return std::nullopt;
  return reader;
}

void MapReader::done() {
  for (const auto& e : entries_) {
    if (e.used) continue;
    diag_.error(e.key_pos, key_path(e.key),
                "unknown key '" + e.key + "'" + suggestion(e.key, asked_));
  }
}

}  // namespace dialcore::config::detail
