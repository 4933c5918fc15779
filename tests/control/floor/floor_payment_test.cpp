// Receive payment (seed 003 §16) through the agent API: masking armed on the call, the digits
// keyed by DTMF (injected as the call layer would deliver them), counts only to the agent,
// reset card / reset CVV, the test gateway's Luhn/expiry/CVV verdict; and no digit of the card
// in any answer, event, log line or the database.
#include <fcntl.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/control/floor/floor_fixture.hpp"

using namespace dialcore::test;

namespace {

constexpr const char* kGoodCard = "4539578763621486";  // Luhn-valid
constexpr const char* kBadCard = "4539578763621487";   // last digit off
constexpr const char* kCvv = "739";

// Captures this process's stderr (where the daemon logs) into a file while alive.
class StderrCapture {
 public:
  explicit StderrCapture(std::string path) : path_(std::move(path)) {
    std::fflush(stderr);
    saved_ = ::dup(2);
    const int fd = ::open(path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~StderrCapture() { restore(); }
  std::string text() {
    restore();
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  std::string path_;
  int saved_ = -1;
};

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Seen {
  std::string all;  // every answer body
  HttpReply add(HttpReply r) {
    all += r.body;
    all += '\n';
    return r;
  }
};

std::string submit_body() {
  return R"({"reference":"INV-42","cardholder":"Kim Lee","amount_cents":12550,"currency":"AUD",)"
         R"("expiry_month":12,"expiry_year":2099})";
}

}  // namespace

TEST_CASE("a masked payment: counts only to the agent, the gateway decides, digits nowhere") {
  FloorWorld f;
  StderrCapture log(f.w.dir.file("stderr.log"));
  const auto id = f.agent("kim");
  HttpClient a = f.login("kim");
  Seen seen;
  REQUIRE(seen.add(a.post("/api/v1/floor/login", R"({"mode":"call_in"})")).status == 200);
  f.on_io([&] {
    f.floor.voice_connected(id);
    return 0;
  });
  SseClient mine(f.port, "/api/v1/floor/events", a.token());
  SseClient sup(f.port, "/api/v1/floor/supervisor/events", kFloorSupervisor);
  REQUIRE(mine.head().find("200") != std::string::npos);
  REQUIRE(sup.head().find("200") != std::string::npos);

  // No call, no payment.
  CHECK(seen.add(a.post("/api/v1/floor/payment", "")).status == 409);
  REQUIRE(f.offer(id, 51).ok());
  REQUIRE(seen.add(a.post("/api/v1/floor/calls/answer", "{}")).status == 200);
  auto r = seen.add(a.post("/api/v1/floor/payment", ""));
  REQUIRE(r.status == 200);
  CHECK(f.call_log().back() == "mask_on 51");
  auto key = [&](const std::string& digits) {
    f.on_io([&] {
      for (char d : digits) f.floor.dtmf(51, d);
      return 0;
    });
  };
  // The customer keys a wrong number, the agent resets, the customer keys the right one.
  key("4111");
  r = seen.add(a.get("/api/v1/floor/payment"));
  CHECK(field(r, "card_digits") == "4");
  REQUIRE(seen.add(a.post("/api/v1/floor/payment/reset-card", "")).status == 200);
  CHECK(field(seen.add(a.get("/api/v1/floor/payment")), "card_digits") == "0");
  key(std::string(kGoodCard) + "#" + "12");
  REQUIRE(seen.add(a.post("/api/v1/floor/payment/reset-cvv", "")).status == 200);
  key(kCvv);
  r = seen.add(a.get("/api/v1/floor/payment"));
  CHECK(field(r, "card_digits") == "16");
  CHECK(field(r, "cvv_digits") == "3");
  CHECK(field(r, "field") == "cvv");
  // The agent's stream follows the counts.
  CHECK(mine.wait_for("payment", "\"card_digits\":16,\"cvv_digits\":3"));
  // A bad form is 422 and nothing is sent.
  CHECK(seen.add(a.post("/api/v1/floor/payment/submit", R"({"reference":"x"})")).status == 422);
  CHECK(f.on_io([&] { return f.gateway.attempts().size(); }) == 0);
  r = seen.add(a.post("/api/v1/floor/payment/submit", submit_body()));
  REQUIRE(r.status == 200);
  CHECK(field(r, "phase") == "accepted");
  CHECK(field(r, "transaction_id") == "test-1");
  CHECK(field(r, "card_digits") == "0");  // wiped after submitting
  CHECK(mine.wait_for("payment", "\"phase\":\"accepted\""));
  // The gateway got exactly the keyed digits (it stands for the merchant).
  const auto got = f.on_io([&] {
    const auto& at = f.gateway.attempts().back().request;
    return at.card + "/" + at.cvv + "/" + std::to_string(at.amount_cents);
  });
  CHECK(got == std::string(kGoodCard) + "/" + kCvv + "/12550");

  // A second payment on the same call: an invalid Luhn number is rejected with the reason.
  REQUIRE(seen.add(a.post("/api/v1/floor/payment", "")).status == 200);
  key(std::string(kBadCard) + "#" + kCvv);
  r = seen.add(a.post("/api/v1/floor/payment/submit", submit_body()));
  REQUIRE(r.status == 200);
  CHECK(field(r, "phase") == "rejected");
  CHECK(field(r, "reason") == "card_number_invalid");
  CHECK(seen.add(a.post("/api/v1/floor/payment/submit", submit_body())).status == 409);
  REQUIRE(seen.add(a.del("/api/v1/floor/payment")).status == 200);
  CHECK(f.call_log().back() == "mask_off 51");
  REQUIRE(seen.add(a.post("/api/v1/floor/calls/hangup", "{}")).status == 200);
  // Digits after the payment are not captured.
  key("9999");

  // Nowhere: answers, both streams (supervisor included), the log, the database.
  sup.events(1000, 300);
  mine.events(1000, 300);
  const std::string logs = log.text();
  CHECK(logs.find("payment on call 51 accepted") != std::string::npos);  // it does log
  const std::string db = file_bytes(f.w.dir.file("dialcore.db")) +
                         file_bytes(f.w.dir.file("dialcore.db-wal"));
  for (const std::string& where : {seen.all, mine.raw(), sup.raw(), logs, db}) {
    CHECK(where.find(kGoodCard) == std::string::npos);
    CHECK(where.find(kBadCard) == std::string::npos);
    CHECK(where.find(std::string(kGoodCard).substr(0, 8)) == std::string::npos);
    CHECK(where.find("\"" + std::string(kCvv) + "\"") == std::string::npos);
    CHECK(where.find(":" + std::string(kCvv) + ",") == std::string::npos);
  }
  CHECK(mine.raw().find("\"phase\":\"rejected\"") != std::string::npos);
}
