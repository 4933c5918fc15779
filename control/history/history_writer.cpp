#include "control/history/history_writer.hpp"

#include <algorithm>
#include <limits>

namespace dialcore::control::history {

HistoryWriter::HistoryWriter(store::Store& store, RetryPolicy policy, WriterOptions options)
    : store_(store), policy_(policy), options_(std::move(options)) {
  thread_ = std::thread([this] { run(); });
}

HistoryWriter::~HistoryWriter() { stop(std::chrono::seconds(10)); }

std::uint64_t HistoryWriter::push(Report report) {
  std::unique_lock lock(mutex_);
  if (stopping_) return 0;
  const std::size_t capacity = std::max<std::size_t>(options_.queue_capacity, 1);
  if (queue_.size() >= capacity) {
    ++stats_.full_waits;
    if (!room_.wait_for(lock, options_.full_wait,
                        [&] { return queue_.size() < capacity || stopping_; })) {
      ++stats_.over_capacity;  // accepted anyway: never dropped
    }
    if (stopping_) return 0;
  }
  report.ticket = ++next_ticket_;
  queue_.push_back(std::move(report));
  ++stats_.accepted;
  stats_.max_queue_depth =
      std::max<std::uint64_t>(stats_.max_queue_depth, queue_.size() + in_flight_);
  lock.unlock();
  wake_.notify_one();
  return next_ticket_;
}

bool HistoryWriter::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = next_ticket_;
  return done_.wait_for(lock, timeout, [&] { return done_through_ >= target; });
}

bool HistoryWriter::stop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!thread_.joinable()) return stats_.lost == 0;
  stopping_ = true;
  wake_.notify_one();
  room_.notify_all();
  const bool drained = done_.wait_for(lock, timeout, [&] { return done_through_ >= next_ticket_; });
  if (!drained) give_up_ = true;
  wake_.notify_one();
  lock.unlock();
  thread_.join();
  return drained;
}

std::uint64_t HistoryWriter::done_through() const {
  std::lock_guard lock(mutex_);
  return done_through_;
}

std::uint64_t HistoryWriter::accepted_through() const {
  std::lock_guard lock(mutex_);
  return next_ticket_;
}

WriterStats HistoryWriter::stats() const {
  std::lock_guard lock(mutex_);
  WriterStats s = stats_;
  s.queue_depth = queue_.size() + in_flight_;
  return s;
}

void HistoryWriter::run() {
  std::vector<Report> batch;
  const std::size_t max_batch = std::max<std::size_t>(options_.max_batch, 1);
  for (;;) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty() || give_up_) {
      if (give_up_) {
        stats_.lost += queue_.size();
        queue_.clear();
      }
      done_.notify_all();
      return;
    }
    const std::size_t n = std::min(max_batch, queue_.size());
    batch.clear();
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    in_flight_ = n;
    lock.unlock();
    room_.notify_all();
    write(batch);
    lock.lock();
    in_flight_ = 0;
    done_through_ = batch.back().ticket;
    lock.unlock();
    done_.notify_all();
  }
}

void HistoryWriter::write(std::vector<Report>& batch) {
  std::size_t begin = 0;
  auto delay = options_.retry_first;
  while (begin < batch.size()) {
    auto r = write_some(batch, begin);
    if (r) break;
    {
      std::lock_guard lock(mutex_);
      ++stats_.store_errors;
    }
    if (!backoff(delay)) {
      std::lock_guard lock(mutex_);
      stats_.lost += batch.size() - begin;
      return;
    }
    delay = std::min(delay * 2, options_.retry_max);
    std::lock_guard lock(mutex_);
    ++stats_.retries;
  }
}

store::Result<void> HistoryWriter::write_some(std::vector<Report>& batch, std::size_t& begin) {
  std::size_t end = batch.size();
  while (begin < batch.size()) {
    constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
    std::size_t refused_at = kNone;
    store::Error refusal;
    auto r = store_.transaction([&]() -> store::Result<void> {
      for (std::size_t i = begin; i < end; ++i) {
        auto e = apply(store_, policy_, batch[i]);
        if (e) continue;
        if (!transient(e.code())) {
          refused_at = i;
          refusal = e.error();
        }
        return e;
      }
      return {};
    });
    if (r) {
      std::lock_guard lock(mutex_);
      stats_.written += end - begin;
      ++stats_.batches;
      begin = end;
      end = batch.size();
      continue;
    }
    if (refused_at == kNone) return r;  // transient (or the commit failed): try again later
    if (refused_at > begin) {           // first write what came before it
      end = refused_at;
      continue;
    }
    const Report& bad = batch[begin];
    {
      std::lock_guard lock(mutex_);
      ++stats_.rejected;
    }
    if (options_.on_rejected) {
      options_.on_rejected(
          Rejected{bad.ticket, bad.kind,
                   bad.kind == ReportKind::Disposition ? bad.wrap.call_id : bad.leg.call_id,
                   bad.leg.leg, refusal});
    }
    ++begin;
    end = batch.size();
  }
  return {};
}

bool HistoryWriter::backoff(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, delay, [&] { return give_up_; });
}

}  // namespace dialcore::control::history
