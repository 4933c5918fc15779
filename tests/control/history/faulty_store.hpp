#pragma once
// Fault injection for the call history writer tests: a Store that forwards to a real one, except
// that while `failing` is set every transaction fails with `code` (as a disk that is full, or an
// I/O error) without running, and each call can be slowed by `delay`.

#include <atomic>
#include <chrono>
#include <thread>

#include "control/store/store.hpp"

namespace dialcore::test {

class FaultyStore final : public control::store::Store {
 public:
  explicit FaultyStore(control::store::Store& real) : real_(real) {}

  std::atomic<bool> failing{false};
  std::atomic<int> transactions{0};  // every call, failed or not
  control::store::Errc code = control::store::Errc::Full;
  std::chrono::microseconds delay{0};

  using Errc = control::store::Errc;
  template <class T>
  using Repo = control::store::Repository<T>;
  Repo<control::store::Agent>& agents() override { return real_.agents(); }
  Repo<control::store::Team>& teams() override { return real_.teams(); }
  Repo<control::store::Queue>& queues() override { return real_.queues(); }
  Repo<control::store::Campaign>& campaigns() override { return real_.campaigns(); }
  Repo<control::store::PauseReason>& pause_reasons() override { return real_.pause_reasons(); }
  Repo<control::store::WrapCode>& wrap_codes() override { return real_.wrap_codes(); }
  Repo<control::store::Lead>& leads() override { return real_.leads(); }
  Repo<control::store::Attempt>& attempts() override { return real_.attempts(); }
  Repo<control::store::Disposition>& dispositions() override { return real_.dispositions(); }
  Repo<control::store::Callback>& callbacks() override { return real_.callbacks(); }
  Repo<control::store::Cdr>& cdrs() override { return real_.cdrs(); }
  Repo<control::store::Recording>& recordings() override { return real_.recordings(); }
  Repo<control::store::DncEntry>& dnc() override { return real_.dnc(); }
  control::store::Reader<control::store::AuditEntry>& audit() override { return real_.audit(); }
  control::store::SessionTable& sessions() override { return real_.sessions(); }

  control::store::Result<void> transaction(
      const std::function<control::store::Result<void>()>& work) override {
    transactions.fetch_add(1);
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    if (failing.load()) return control::store::Error{code, "injected: no space left on device"};
    return real_.transaction(work);
  }
  std::int64_t schema_version() const override { return real_.schema_version(); }
  control::store::Result<void> check_integrity() override { return real_.check_integrity(); }

 private:
  control::store::Store& real_;
};

}  // namespace dialcore::test
