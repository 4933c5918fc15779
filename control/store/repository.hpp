#pragma once
// The store's interface per entity. Reader<T> reads; Repository<T> also writes, each write one
// transaction that, for audited records (T::kAudited), includes its audit_log row naming the
// actor, so the change and its audit entry commit or fail together.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "control/store/query.hpp"
#include "control/store/result.hpp"

namespace dialcore::control::store {

// Who makes a change and when (time is passed in, never read here).
struct Actor {
  std::string name;  // "admin:alice", "agent:bob", "system"
  std::int64_t at_ms = 0;
};

template <class T>
class Reader {
 public:
  virtual ~Reader() = default;
  virtual Result<T> get(std::int64_t id) = 0;
  virtual Result<std::vector<T>> list(const Query& query) = 0;
  virtual Result<std::int64_t> count(const Query& query) = 0;  // ignores limit and offset
};

template <class T>
class Repository : public Reader<T> {
 public:
  // Assigns record.id and record.version (1). Duplicate on a taken unique key, Constraint on a
  // reference to a missing row.
  virtual Result<void> create(T& record, const Actor& actor) = 0;
  // record.version must be the stored version (Conflict otherwise, NotFound if gone); on
  // success it is incremented in record too.
  virtual Result<void> update(T& record, const Actor& actor) = 0;
  // Constraint if other rows still reference it.
  virtual Result<void> remove(std::int64_t id, const Actor& actor) = 0;
  // All or nothing in one transaction: NotFound names the first missing id. Returns how many
  // rows were removed (an id named twice counts once).
  virtual Result<std::size_t> remove_many(std::span<const std::int64_t> ids,
                                          const Actor& actor) = 0;
};

}  // namespace dialcore::control::store
