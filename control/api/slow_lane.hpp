#pragma once
// Password hashing and verification (argon2id, ~0.1 s each at the default cost) must not stall
// the control thread, so the routes that hash (login, password changes, agent create and CSV
// import with passwords) run here: one thread with its own Store connection (WAL lets it write
// beside the control thread's; a conflict waits for the busy timeout) and its own AgentService.
// The result is posted back to the control io_context, where the answer is written.

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <memory>

#include "control/agents/agent_service.hpp"
#include "control/store/sqlite_store.hpp"

namespace dialcore::control::api {

// Runs on the lane's thread; the pointers are null when the lane's store could not be opened.
using SlowWork = std::function<void(agents::AgentService*, store::Store*)>;

class SlowLane {
 public:
  SlowLane(boost::asio::io_context& control, store::SqliteOptions options,
           agents::SecurityPolicy policy);
  ~SlowLane();  // waits for queued work
  // `work` on the lane's thread, then `then` on the control thread.
  void run(SlowWork work, std::function<void()> then);

 private:
  boost::asio::io_context& control_;
  store::SqliteOptions options_;
  agents::SecurityPolicy policy_;
  std::unique_ptr<store::Store> store_;           // lane thread only
  std::unique_ptr<agents::AgentService> agents_;  // lane thread only
  bool open_failed_ = false;
  boost::asio::thread_pool pool_{1};
};

}  // namespace dialcore::control::api
