// kill -9 in the middle of writing dispositions (issue 10's acceptance, on the writer alone): a
// child process runs calls through the call history writer in a loop and reports each
// disposition once it has committed; the parent kills it with SIGKILL, reopens the file and runs
// the start-up recovery. Every reported disposition is there with its lead settled, and no lead
// is left in_progress (label control).
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "tests/control/history/history_fixture.hpp"

using namespace dialcore::test;
using history::EndCause;

namespace {

constexpr int kLeads = 3000;

std::string call_name(int i) {
  std::string s = "k";
  s += std::to_string(i);  // (not "k" + ...: g++ 12 -Wrestrict false positive)
  return s;
}

// The child queues every call at once (the writer thread group-commits them) and reports a
// disposition on the pipe only once the writer says it is committed (done_through()).
[[noreturn]] void child(const std::string& path, const HistoryWorld& w, int out_fd) {
  store::SqliteOptions o;
  o.path = path;
  o.synchronous_full = true;  // as the daemon runs
  auto opened = store::open_sqlite_store(o);
  if (!opened) _exit(2);
  history::CallHistory h(**opened);
  std::vector<std::uint64_t> tickets;
  std::size_t reported = 0;
  auto report_committed = [&] {
    const std::uint64_t done = h.done_through();
    for (; reported < tickets.size() && tickets[reported] <= done; ++reported) {
      const std::string line = std::to_string(reported) + "\n";
      if (write(out_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
    }
  };
  std::int64_t t = 1'800'000'000'000;
  for (int i = 0; i < kLeads; ++i) {
    const std::string call = call_name(i);
    bool ok = h.leg_started(outbound(call, w, w.leads[static_cast<std::size_t>(i)]), t).ok() &&
              h.answered(call, "a", t + 1000).ok() && h.bridged(call, "a", 9, t + 1500).ok() &&
              h.ended(call, "a", EndCause::Normal, t + 5000).ok();
    auto d = h.disposition({call, 9, i % 2 ? "sale" : "later", "n", {}}, t + 6000);
    if (!ok || !d) _exit(3);
    tickets.push_back(static_cast<std::uint64_t>(*d));
    report_committed();
    t += 10000;
  }
  while (reported < tickets.size()) {  // bounded by the writer: it commits or the parent kills
    report_committed();
    usleep(200);
  }
  if (h.stats().rejected != 0) _exit(5);
  _exit(0);
}

struct Round {
  std::size_t reported = 0, committed = 0;
  std::int64_t cdrs_closed = 0, leads_released = 0;
};

// One child killed after `kill_after` reported dispositions plus `delay_us` (so the kill lands
// at different points of the loop: inside a leg's writes, inside a disposition's transaction,
// between calls).
Round kill_round(int kill_after, int delay_us) {
  TempDir dir;
  const std::string path = dir.file("store.db");
  HistoryWorld w;
  {
    auto s = open_store(path);
    w = seed_world(*s, kLeads);
  }  // closed before fork: a SQLite connection must not cross fork()
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    child(path, w, fds[1]);
  }
  close(fds[1]);
  std::set<int> reported;
  std::string pending;
  auto drain = [&](int timeout_ms) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[4096];
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) return false;
    pending.append(buf, static_cast<std::size_t>(n));
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
      reported.insert(std::stoi(pending.substr(0, nl)));
      pending.erase(0, nl + 1);
    }
    return true;
  };
  // Let it commit some calls (bounded: 30 s), then kill it mid-loop.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (reported.size() < static_cast<std::size_t>(kill_after) &&
         std::chrono::steady_clock::now() < deadline) {
    drain(100);
  }
  REQUIRE(reported.size() >= static_cast<std::size_t>(kill_after));
  usleep(static_cast<useconds_t>(delay_us));
  REQUIRE(kill(pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
  while (drain(0)) {
  }
  close(fds[0]);
  REQUIRE(reported.size() < static_cast<std::size_t>(kLeads));  // it really was mid-loop

  auto s = open_store(path);
  REQUIRE(s->check_integrity().ok());
  auto rep = history::recover(*s, 1'900'000'000'000);
  REQUIRE(rep.ok());
  for (int i : reported) {
    auto d = s->dispositions().list(where("call_id", call_name(i)));
    REQUIRE(d->size() == 1);
  }
  // Every disposition committed with its lead's update and its attempt's outcome, and the other
  // way round: a lead settled by a wrap has its disposition.
  auto all = s->dispositions().list(where("agent_id", std::int64_t{9}));
  REQUIRE(all.ok());
  CHECK(all->size() >= reported.size());
  // At most the batches committed but not yet reported (a batch holds <= 256 reports, 5 a call).
  CHECK(all->size() <= reported.size() + 2 * 256 / 5 + 1);
  for (const auto& d : *all) {
    auto lead = s->leads().get(*d.lead_id);
    CHECK(lead->status == (d.wrap_code == "sale" ? "done" : "new"));
    CHECK(s->attempts().get(*d.attempt_id)->outcome == "answered");
  }
  CHECK(*s->leads().count(where("status", std::string("in_progress"))) == 0);
  store::Query open;
  open.all.push_back({"ended_at_ms", store::Match::IsNull, std::int64_t{0}});
  CHECK(*s->cdrs().count(open) == 0);
  CHECK(*s->attempts().count(open) == 0);
  // Every lead that was dialled counted its attempt.
  CHECK(*s->attempts().count({}) ==
        *s->leads().count({}) - *s->leads().count(where("attempts", std::int64_t{0})));
  return Round{reported.size(), all->size(), rep->cdrs_closed, rep->leads_released};
}

}  // namespace

TEST_CASE("kill -9 while writing dispositions loses no reported one and strands no lead",
          "[history][crash]") {
  const int delays_us[] = {0, 250, 600, 1100, 1700, 2600};
  std::int64_t interrupted = 0;
  for (int k = 0; k < 6; ++k) {
    const Round r = kill_round(20 + 7 * k, delays_us[k]);
    interrupted += r.cdrs_closed;
    std::printf(
        "crash round %d: %zu dispositions reported, %zu committed, recovery closed %lld "
        "CDRs, released %lld leads\n",
        k, r.reported, r.committed, static_cast<long long>(r.cdrs_closed),
        static_cast<long long>(r.leads_released));
  }
  std::printf("crash rounds: %lld calls were cut mid-call\n", static_cast<long long>(interrupted));
}
