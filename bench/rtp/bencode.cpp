#include "bench/rtp/bencode.hpp"

#include <charconv>

namespace dialcore::bench::bencode {
namespace {

constexpr int kMaxDepth = 32;

void encode_to(const Value& v, std::string& out) {
  switch (v.kind) {
    case Value::Kind::Integer:
      out += 'i';
      out += std::to_string(v.integer);
      out += 'e';
      break;
    case Value::Kind::String:
      out += std::to_string(v.string.size());
      out += ':';
      out += v.string;
      break;
    case Value::Kind::List:
      out += 'l';
      for (const Value& item : v.list) encode_to(item, out);
      out += 'e';
      break;
    case Value::Kind::Dict:
      out += 'd';
      for (const auto& [key, item] : v.dict) {  // std::map: keys already sorted
        out += std::to_string(key.size());
        out += ':';
        out += key;
        encode_to(item, out);
      }
      out += 'e';
      break;
  }
}

class Decoder {
 public:
  explicit Decoder(std::string_view text) : text_(text) {}

  std::optional<Value> value(int depth) {
    if (depth > kMaxDepth || pos_ >= text_.size()) return std::nullopt;
    const char c = text_[pos_];
    if (c == 'i') {
      ++pos_;
      auto i = number('e');
      if (!i) return std::nullopt;
      return Value::of(*i);
    }
    if (c == 'l') {
      ++pos_;
      Value v = Value::of_list({});
      while (pos_ < text_.size() && text_[pos_] != 'e') {
        auto item = value(depth + 1);
        if (!item) return std::nullopt;
        v.list.push_back(std::move(*item));
      }
      if (pos_ >= text_.size()) return std::nullopt;
      ++pos_;
      return v;
    }
    if (c == 'd') {
      ++pos_;
      Value v = Value::of_dict({});
      while (pos_ < text_.size() && text_[pos_] != 'e') {
        auto key = string();
        if (!key) return std::nullopt;
        auto item = value(depth + 1);
        if (!item) return std::nullopt;
        v.dict[std::move(*key)] = std::move(*item);
      }
      if (pos_ >= text_.size()) return std::nullopt;
      ++pos_;
      return v;
    }
    auto s = string();
    if (!s) return std::nullopt;
    return Value::of(std::move(*s));
  }

  bool at_end() const { return pos_ == text_.size(); }

 private:
  // Digits (optionally negative) up to `end`, which is consumed.
  std::optional<std::int64_t> number(char end) {
    const std::size_t stop = text_.find(end, pos_);
    if (stop == std::string_view::npos || stop == pos_) return std::nullopt;
    std::int64_t n = 0;
    const char* first = text_.data() + pos_;
    const char* last = text_.data() + stop;
    const auto r = std::from_chars(first, last, n);
    if (r.ec != std::errc() || r.ptr != last) return std::nullopt;
    pos_ = stop + 1;
    return n;
  }

  std::optional<std::string> string() {
    auto len = number(':');
    if (!len || *len < 0 || static_cast<std::uint64_t>(*len) > text_.size() - pos_) {
      return std::nullopt;
    }
    const auto n = static_cast<std::size_t>(*len);
    std::string s(text_.substr(pos_, n));
    pos_ += n;
    return s;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

Value Value::of(std::int64_t i) {
  Value v;
  v.kind = Kind::Integer;
  v.integer = i;
  return v;
}

Value Value::of(std::string s) {
  Value v;
  v.kind = Kind::String;
  v.string = std::move(s);
  return v;
}

Value Value::of_list(std::vector<Value> items) {
  Value v;
  v.kind = Kind::List;
  v.list = std::move(items);
  return v;
}

Value Value::of_dict(std::map<std::string, Value> entries) {
  Value v;
  v.kind = Kind::Dict;
  v.dict = std::move(entries);
  return v;
}

std::optional<std::string> Value::string_at(const std::string& key) const {
  if (kind != Kind::Dict) return std::nullopt;
  const auto it = dict.find(key);
  if (it == dict.end() || it->second.kind != Kind::String) return std::nullopt;
  return it->second.string;
}

std::string encode(const Value& v) {
  std::string out;
  encode_to(v, out);
  return out;
}

std::optional<Value> decode(std::string_view text) {
  Decoder d(text);
  auto v = d.value(0);
  if (!v || !d.at_end()) return std::nullopt;
  return v;
}

}  // namespace dialcore::bench::bencode
