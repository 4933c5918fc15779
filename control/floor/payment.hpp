#pragma once
// Receive payment (seed 003 §16). The customer keys the card number and the CVV on the phone
// while the call layer masks the tones (CallControl::mask_dtmf); the digits arrive here as DTMF
// events and live only in a CardCapture (fixed arrays, wiped on reset, submit and destruction)
// until they are handed to a PaymentGateway. The agent sees counts only. Nothing here logs.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dialcore::control::floor {

enum class CardField : std::uint8_t { Card, Cvv };

// The digits keyed so far. '#' ends the card number (the CVV comes next); '*' and digits
// beyond a field's length are counted as ignored, never stored.
class CardCapture {
 public:
  static constexpr std::size_t kMaxCard = 19;
  static constexpr std::size_t kMaxCvv = 4;
  CardCapture() = default;
  CardCapture(const CardCapture&) = delete;
  CardCapture& operator=(const CardCapture&) = delete;
  ~CardCapture() { wipe(); }

  void key(char digit);
  void select(CardField f) { field_ = f; }
  void reset_card();  // clears the card number and keys into it again
  void reset_cvv();   // clears the CVV and keys into it
  void wipe();        // both, and back to the card field

  CardField field() const { return field_; }
  std::size_t card_digits() const { return card_n_; }
  std::size_t cvv_digits() const { return cvv_n_; }
  std::uint32_t ignored() const { return ignored_; }
  std::string card() const { return std::string(card_.data(), card_n_); }
  std::string cvv() const { return std::string(cvv_.data(), cvv_n_); }

 private:
  std::array<char, kMaxCard> card_{};
  std::array<char, kMaxCvv> cvv_{};
  std::size_t card_n_ = 0;
  std::size_t cvv_n_ = 0;
  CardField field_ = CardField::Card;
  std::uint32_t ignored_ = 0;
};

// Overwrites a buffer so the compiler cannot drop the stores (a volatile write per byte).
void secure_wipe(char* data, std::size_t n);
void secure_wipe(std::string& s);

// What the gateway gets: the only value that carries card digits out of the capture.
struct PaymentRequest {
  std::string merchant;
  std::string reference;
  std::string cardholder;
  std::int64_t amount_cents = 0;
  std::string currency = "AUD";
  std::string card;  // digits
  std::string cvv;   // digits
  int expiry_month = 0;  // 1-12
  int expiry_year = 0;   // four digits
  ~PaymentRequest() {
    secure_wipe(card);
    secure_wipe(cvv);
  }
};

struct PaymentResult {
  bool accepted = false;
  std::string reason;          // rejected: why ("card_number_invalid", "expired", ...)
  std::string transaction_id;  // accepted: the merchant's reference
};

class PaymentGateway {
 public:
  virtual ~PaymentGateway() = default;
  // `done` exactly once, on the control thread (at once or later).
  virtual void submit(const PaymentRequest& request,
                      std::function<void(PaymentResult)> done) = 0;
};

bool luhn_valid(const std::string& digits);

// A gateway for tests and demonstrations: accepts a card when the number passes Luhn (12-19
// digits), the expiry is this month or later (by the injected wall clock) and the CVV has 3
// digits (4 for American Express, 34/37). Records every attempt, card digits included: it
// stands for the merchant, the one party meant to receive them.
class TestGateway final : public PaymentGateway {
 public:
  struct Attempt {
    PaymentRequest request;
    PaymentResult result;
  };
  explicit TestGateway(std::function<std::int64_t()> wall_ms) : wall_ms_(std::move(wall_ms)) {}
  void submit(const PaymentRequest& request, std::function<void(PaymentResult)> done) override;
  const std::vector<Attempt>& attempts() const { return attempts_; }
  static PaymentResult judge(const PaymentRequest& r, std::int64_t wall_ms);

 private:
  std::function<std::int64_t()> wall_ms_;
  std::vector<Attempt> attempts_;
  std::uint64_t next_txn_ = 1;
};

}  // namespace dialcore::control::floor
