#include "control/floor/payment.hpp"

#include <chrono>

namespace dialcore::control::floor {

void secure_wipe(char* data, std::size_t n) {
  volatile char* p = data;
  for (std::size_t i = 0; i < n; ++i) p[i] = 0;
}

void secure_wipe(std::string& s) {
  secure_wipe(s.data(), s.size());
  s.clear();
}

void CardCapture::key(char digit) {
  if (digit == '#') {
    if (field_ == CardField::Card && card_n_ > 0) field_ = CardField::Cvv;
    return;
  }
  if (digit < '0' || digit > '9') {
    ++ignored_;
    return;
  }
  if (field_ == CardField::Card) {
    if (card_n_ < kMaxCard) {
      card_[card_n_++] = digit;
      return;
    }
  } else if (cvv_n_ < kMaxCvv) {
    cvv_[cvv_n_++] = digit;
    return;
  }
  ++ignored_;
}

void CardCapture::reset_card() {
  secure_wipe(card_.data(), card_.size());
  card_n_ = 0;
  field_ = CardField::Card;
}

void CardCapture::reset_cvv() {
  secure_wipe(cvv_.data(), cvv_.size());
  cvv_n_ = 0;
  field_ = CardField::Cvv;
}

void CardCapture::wipe() {
  reset_cvv();
  reset_card();
  ignored_ = 0;
}

bool luhn_valid(const std::string& digits) {
  if (digits.size() < 12 || digits.size() > 19) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it < '0' || *it > '9') return false;
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

PaymentResult TestGateway::judge(const PaymentRequest& r, std::int64_t wall_ms) {
  if (!luhn_valid(r.card)) return {false, "card_number_invalid", ""};
  if (r.expiry_month < 1 || r.expiry_month > 12 || r.expiry_year < 2000) {
    return {false, "expiry_invalid", ""};
  }
  using namespace std::chrono;
  const year_month_day today{std::chrono::floor<days>(sys_time<milliseconds>(milliseconds(wall_ms)))};
  const int now_ym = int(today.year()) * 12 + int(unsigned(today.month()));
  if (r.expiry_year * 12 + r.expiry_month < now_ym) return {false, "card_expired", ""};
  const bool amex = r.card.rfind("34", 0) == 0 || r.card.rfind("37", 0) == 0;
  if (r.cvv.size() != (amex ? 4U : 3U)) return {false, "cvv_invalid", ""};
  if (r.amount_cents <= 0) return {false, "amount_invalid", ""};
  return {true, "", ""};
}

void TestGateway::submit(const PaymentRequest& request, std::function<void(PaymentResult)> done) {
  PaymentResult result = judge(request, wall_ms_());
  if (result.accepted) result.transaction_id = "test-" + std::to_string(next_txn_++);
  attempts_.push_back(Attempt{request, result});
  done(result);
}

}  // namespace dialcore::control::floor
