#pragma once
// Errors as values for the store and the domains above it: every failure a database can have
// (missing row, lost race, duplicate, broken reference, locked file, full disk) is a code a
// caller can switch on and an API handler can map to a stable HTTP status, never an exception.

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace dialcore::control::store {

enum class Errc {
  NotFound,    // no row with that id
  Conflict,    // optimistic concurrency: the row changed since it was read (version mismatch)
  Duplicate,   // a unique key (username, name, code) is taken
  Constraint,  // a reference to a missing row, a row still referenced, a CHECK failed
  Busy,        // another writer held the database past the busy timeout; retry later
  Full,        // disk or database size limit reached; the write was rolled back, nothing lost
  Io,          // the file could not be read or written (permissions, I/O error)
  Corrupt,     // not a database, or a stored value this build cannot read
  TooNew,      // the database was written by a newer schema version than this build knows
  Invalid,     // a bad argument from the caller (unknown filter field, bad page size)
};

constexpr std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::NotFound: return "not_found";
    case Errc::Conflict: return "conflict";
    case Errc::Duplicate: return "duplicate";
    case Errc::Constraint: return "constraint";
    case Errc::Busy: return "busy";
    case Errc::Full: return "full";
    case Errc::Io: return "io";
    case Errc::Corrupt: return "corrupt";
    case Errc::TooNew: return "too_new";
    case Errc::Invalid: return "invalid";
  }
  return "unknown";
}

struct Error {
  Errc code = Errc::Invalid;
  std::string message;
};

// A value or an Error (std::expected is C++23; this is the part of it we need).
// E is the error type: Error here, the agents domain adds field errors to its own.
template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(E error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  // On a temporary, the value is moved out (not referenced), so `for (auto& x : *f())` and
  // `auto& v = *f()` never dangle.
  T value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::get<0>(std::move(v_)); }
  const E& error() const { return std::get<1>(v_); }
  Errc code() const { return error().code; }

 private:
  std::variant<T, E> v_;
};

template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  Result(E error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const E& error() const { return error_; }
  Errc code() const { return error_.code; }

 private:
  E error_{};
  bool ok_ = true;
};

}  // namespace dialcore::control::store
