#include "bench/support/report.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdio>

namespace dialcore::bench {

std::string Table::render() const {
  std::vector<std::size_t> width(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& r) {
    for (std::size_t i = 0; i < r.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], r[i].size());
    }
  };
  measure(header_);
  for (const auto& r : rows_) measure(r);
  std::string out;
  auto line = [&](const std::vector<std::string>& r) {
    for (std::size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < r.size() ? r[i] : "";
      // First column left-aligned (names), the rest right-aligned (numbers).
      if (i == 0) {
        out += cell + std::string(width[i] - cell.size(), ' ');
      } else {
        out += "  " + std::string(width[i] - cell.size(), ' ') + cell;
      }
    }
    out += '\n';
  };
  line(header_);
  std::size_t total = 0;
  for (auto w : width) total += w + 2;
  out += std::string(total - 2, '-') + '\n';
  for (const auto& r : rows_) line(r);
  return out;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void print_json_line(const boost::json::object& o) {
  std::fputs((boost::json::serialize(o) + "\n").c_str(), stdout);
  std::fflush(stdout);
}

void print_report(const std::string& heading, const Table& table, bool json,
                  const boost::json::object& figures) {
  std::printf("%s\n\n%s", heading.c_str(), table.render().c_str());
  if (json) print_json_line(figures);
  std::fflush(stdout);
}

}  // namespace dialcore::bench
