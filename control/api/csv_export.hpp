#pragma once
// Every row a query matches as CSV: a header (id and the record's fields), then one row per
// record with formula-looking cells neutralised (csv::append_safe_row). Pages through the
// repository by id (keyset: each page starts after the last id written), so a large export
// never re-scans what it has already written. Used by the CDR and lead exports.

#include <string>
#include <vector>

#include "control/api/record_codec.hpp"
#include "control/csv/csv.hpp"
#include "control/store/repository.hpp"

namespace dialcore::control::api {

template <class T>
store::Result<std::string> csv_export(store::Reader<T>& repo, store::Query query) {
  std::string out;
  std::vector<std::string> header{"id"};
  for (auto& n : field_names<T>()) header.push_back(std::move(n));
  csv::append_row(out, header);
  query.limit = 1000;
  query.offset = 0;
  query.order_by = "id";
  query.descending = false;
  query.all.push_back({"id", store::Match::AtLeast, std::int64_t{1}});
  for (;;) {
    auto rows = repo.list(query);
    if (!rows) return rows.error();
    for (const auto& r : *rows) {
      std::vector<std::string> cells{std::to_string(r.id)};
      for (auto& t : field_texts(r)) cells.push_back(std::move(t));
      csv::append_safe_row(out, cells);
    }
    if (static_cast<std::int64_t>(rows->size()) < query.limit) break;
    query.all.back().value = rows->back().id + 1;
  }
  return out;
}

}  // namespace dialcore::control::api
