#include "control/api/slow_lane.hpp"

#include <boost/asio/post.hpp>

#include <cstdio>

namespace dialcore::control::api {

SlowLane::SlowLane(boost::asio::io_context& control, store::SqliteOptions options,
                   agents::SecurityPolicy policy)
    : control_(control), options_(std::move(options)), policy_(std::move(policy)) {}

SlowLane::~SlowLane() { pool_.join(); }

void SlowLane::run(SlowWork work, std::function<void()> then) {
  boost::asio::post(pool_, [this, work = std::move(work), then = std::move(then)]() mutable {
    if (!store_ && !open_failed_) {
      auto opened = store::open_sqlite_store(options_);
      if (opened) {
        store_ = std::move(*opened);
        agents_ = std::make_unique<agents::AgentService>(*store_, policy_);
      } else {
        open_failed_ = true;
        std::fprintf(stderr, "api: the password lane cannot open the store: %s\n",
                     opened.error().message.c_str());
      }
    }
    work(agents_.get(), store_.get());
    boost::asio::post(control_, std::move(then));
  });
}

}  // namespace dialcore::control::api
