#pragma once
// A small bencode value with its encoder and decoder, for rtpengine's ng control protocol
// (`dialbench rtp`). Integers, byte strings, lists and dictionaries (keys sorted on encode, as
// bencode requires). The decoder is bounds-checked and depth-limited: a malformed reply is an
// error, never a crash.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dialcore::bench::bencode {

struct Value {
  enum class Kind : std::uint8_t { Integer, String, List, Dict };
  Kind kind = Kind::String;
  std::int64_t integer = 0;
  std::string string;
  std::vector<Value> list;
  std::map<std::string, Value> dict;

  static Value of(std::int64_t i);
  static Value of(std::string s);
  static Value of(const char* s) { return of(std::string(s)); }
  static Value of_list(std::vector<Value> items);
  static Value of_dict(std::map<std::string, Value> entries);

  // The string at dict[key], or nullopt when absent or not a string.
  std::optional<std::string> string_at(const std::string& key) const;
};

std::string encode(const Value& v);
// The whole of `text` must be one value; nullopt otherwise.
std::optional<Value> decode(std::string_view text);

}  // namespace dialcore::bench::bencode
