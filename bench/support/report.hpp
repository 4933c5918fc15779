#pragma once
// What every dialbench command prints: an aligned table for people, then (with --json) one
// JSON line with the figures. Field names in the JSON are a contract once documented.

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace dialcore::bench {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

std::string fixed(double v, int decimals);
// Prints the JSON object as one line on stdout.
void print_json_line(const boost::json::object& o);
// The end of every bench: its heading line, a blank line, the table, and with --json the
// figures as one JSON line.
void print_report(const std::string& heading, const Table& table, bool json,
                  const boost::json::object& figures);

}  // namespace dialcore::bench
