#pragma once
// Internal to config/ (the one header here that includes yaml-cpp): reads one YAML mapping into
// struct fields, checking types and ranges, remembering where each key was, and reporting keys
// nobody asked for. Problems go to Diagnostics; nothing here throws on bad input.

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/loader.hpp"

namespace dialcore::config::detail {

struct Pos {
  int line = 0;  // 1-based; 0 unknown
  int column = 0;
};

Pos pos_of(const YAML::Mark& mark);

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}
  void error(Pos pos, const std::string& key, std::string message);
  void warning(Pos pos, const std::string& key, std::string message);
  // An error at the remembered position of `key` (or of its nearest remembered parent).
  void error_at(const std::string& key, std::string message);
  void remember(const std::string& key, Pos pos) { positions_.emplace(key, pos); }
  Pos where(const std::string& key) const;
  std::vector<ConfigError> take_errors() { return std::move(errors_); }
  std::vector<ConfigError> take_warnings() { return std::move(warnings_); }
  bool has_errors() const { return !errors_.empty(); }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
  std::map<std::string, Pos> positions_;
};

// The closest candidate within a small edit distance, or empty.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "".
std::string suggestion(const std::string& word, const std::vector<std::string>& candidates);

enum class Need { Optional, Required };

template <typename E>
using Choices = std::initializer_list<std::pair<const char*, E>>;

class MapReader {
 public:
  // A null node reads as an empty mapping; any other non-mapping is a type error.
  MapReader(const YAML::Node& node, std::string path, Diagnostics& diag);
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;
  MapReader(MapReader&&) = default;

  bool ok() const { return ok_; }
  // The key is present with a value (does not count as reading it).
  bool has(const char* key) const;
  std::string key_path(const std::string& key) const;
  Diagnostics& diag() { return diag_; }
  Pos pos() const { return pos_; }

  void text(const char* key, std::string& out, Need need = Need::Optional);
  void flag(const char* key, bool& out);
  void number(const char* key, double& out, double lo, double hi, Need need = Need::Optional);
  template <typename T>
  void integer(const char* key, T& out, long long lo, long long hi, Need need = Need::Optional) {
    long long value = 0;
    if (read_integer(key, value, lo, hi, need)) out = static_cast<T>(value);
  }
  template <typename E>
  void choice(const char* key, E& out, Choices<E> choices, Need need = Need::Optional) {
    std::vector<std::string> names;
    for (const auto& c : choices) names.emplace_back(c.first);
    std::size_t index = 0;
    if (read_choice(key, names, index, need)) out = std::data(choices)[index].second;
  }
  void texts(const char* key, std::vector<std::string>& out, Need need = Need::Optional);
  void integers(const char* key, std::vector<int>& out, long long lo, long long hi);
  // The scalar items of a list, each with its key path, for the caller to convert.
  template <typename F>
  void each_text(const char* key, F&& item) {
    std::vector<std::string> values;
    texts(key, values);
    for (std::size_t i = 0; i < values.size(); ++i)
      item(values[i], key_path(key) + "[" + std::to_string(i) + "]");
  }
  // A nested mapping; absent → nullopt (and a missing-key error when required).
  std::optional<MapReader> map(const char* key, Need need = Need::Optional);
  // A list of mappings: item(MapReader&, index) for each item that is a mapping.
  template <typename F>
  void maps(const char* key, F&& item) {
    const YAML::Node* list = sequence(key);
    if (list == nullptr) return;
    std::size_t index = 0;
    for (const auto& element : *list) {
      MapReader reader(element, key_path(key) + "[" + std::to_string(index) + "]", diag_);
      if (reader.ok()) item(reader, index);
      reader.done();
      ++index;
    }
  }
  // Reports every key of the mapping that no read asked for, with a did-you-mean.
  void done();

 private:
  struct Entry {
    std::string key;
    YAML::Node value;
    Pos key_pos;
    bool used = false;
  };
  const YAML::Node* find(const char* key, Need need);
  const YAML::Node* sequence(const char* key);
  bool scalar(const char* key, const YAML::Node& node, const char* expected);
  bool read_integer(const char* key, long long& out, long long lo, long long hi, Need need);
  bool read_choice(const char* key, const std::vector<std::string>& names, std::size_t& index,
                   Need need);

  std::string path_;
  Diagnostics& diag_;
  Pos pos_;
  bool ok_ = true;
  std::vector<Entry> entries_;
  std::vector<std::string> asked_;
};

}  // namespace dialcore::config::detail
