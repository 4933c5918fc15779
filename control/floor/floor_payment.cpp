// Receive payment (seed 003 §16): masking armed through CallControl, digits from DTMF events
// into the agent's CardCapture, counts only on the stream and in answers, the digits to the
// PaymentGateway and nowhere else.
#include <boost/json.hpp>

#include <cstdio>

#include "control/floor/floor.hpp"

namespace dialcore::control::floor {

namespace json = boost::json;

json::object Floor::payment_json(const Payment& p) const {
  json::object o{{"call", p.call},
                 {"phase", p.phase},
                 {"field", p.capture.field() == CardField::Card ? "card" : "cvv"},
                 {"card_digits", p.capture.card_digits()},
                 {"cvv_digits", p.capture.cvv_digits()},
                 {"ignored_keys", p.capture.ignored()}};
  if (p.phase == "accepted") o["transaction_id"] = p.result.transaction_id;
  if (p.phase == "rejected") o["reason"] = p.result.reason;
  return o;
}

void Floor::end_payment(Session& s, bool unmask) {
  if (!s.payment) return;
  if (unmask) calls_.mask_dtmf(s.payment->call, false);
  s.payment->capture.wipe();
  s.payment.reset();
}

FloorResult Floor::payment_start(AgentId agent) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  const CallId call = resolve_call(*s, 0);
  if (auto bad = on_call_check(*s, call); bad.status) return bad;
  if (s->payment && s->payment->phase == "processing") {
    return FloorResult::error(409, "payment_processing", "a payment is being processed");
  }
  const CallResult cr = calls_.mask_dtmf(call, true);
  if (!cr.ok) return call_failed(cr);
  if (s->payment && s->payment->call != call) end_payment(*s, true);
  if (!s->payment) s->payment = std::make_unique<Payment>();
  s->payment->call = call;
  s->payment->phase = "capturing";
  s->payment->result = {};
  s->payment->capture.wipe();
  publish(*s, "payment", payment_json(*s->payment));
  return FloorResult::done(payment_json(*s->payment));
}

FloorResult Floor::payment_status(AgentId agent) const {
  const Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (!s->payment) return FloorResult::error(409, "no_payment", "no payment is open");
  return FloorResult::done(payment_json(*s->payment));
}

FloorResult Floor::payment_reset(AgentId agent, CardField field) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (!s->payment) return FloorResult::error(409, "no_payment", "no payment is open");
  if (s->payment->phase == "processing") {
    return FloorResult::error(409, "payment_processing", "a payment is being processed");
  }
  if (field == CardField::Card) {
    s->payment->capture.reset_card();
  } else {
    s->payment->capture.reset_cvv();
  }
  s->payment->phase = "capturing";
  publish(*s, "payment", payment_json(*s->payment));
  return FloorResult::done(payment_json(*s->payment));
}

FloorResult Floor::payment_submit(AgentId agent, const PaymentForm& form) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (!s->payment) return FloorResult::error(409, "no_payment", "no payment is open");
  Payment& p = *s->payment;
  if (p.phase != "capturing") {
    return FloorResult::error(409, "payment_" + p.phase, "reset or start again to resubmit");
  }
  if (p.capture.card_digits() == 0 || p.capture.cvv_digits() == 0) {
    return FloorResult::error(409, "card_incomplete", "the customer has not keyed card and CVV");
  }
  if (form.reference.empty() || form.cardholder.empty() || form.amount_cents <= 0 ||
      form.expiry_month < 1 || form.expiry_month > 12 || form.expiry_year < 2000 ||
      form.expiry_year > 2100 || form.currency.size() != 3) {
    return FloorResult::error(422, "bad_payment_form",
                              "reference, cardholder, amount_cents > 0, expiry_month 1-12, "
                              "expiry_year (four digits) and a three-letter currency are needed");
  }
  PaymentRequest req;
  req.merchant = settings_.merchant;
  req.reference = form.reference;
  req.cardholder = form.cardholder;
  req.amount_cents = form.amount_cents;
  req.currency = form.currency;
  req.expiry_month = form.expiry_month;
  req.expiry_year = form.expiry_year;
  req.card = p.capture.card();
  req.cvv = p.capture.cvv();
  p.phase = "processing";
  const CallId call = p.call;
  publish(*s, "payment", payment_json(p));
  gateway_.submit(req, [this, agent, call](PaymentResult result) {
    Session* cur = find(agent);
    if (cur == nullptr || !cur->payment || cur->payment->call != call) return;
    Payment& q = *cur->payment;
    q.result = std::move(result);
    q.phase = q.result.accepted ? "accepted" : "rejected";
    q.capture.wipe();  // a rejected card is keyed again from the start
    std::fprintf(stderr, "floor: agent %lld payment on call %llu %s%s%s\n",
                 static_cast<long long>(agent), static_cast<unsigned long long>(call),
                 q.phase.c_str(), q.result.reason.empty() ? "" : ": ", q.result.reason.c_str());
    publish(*cur, "payment", payment_json(q));
  });
  Session* after = find(agent);
  if (after == nullptr || !after->payment) return FloorResult::error(409, "no_payment", "ended");
  const bool pending = after->payment->phase == "processing";
  FloorResult r = FloorResult::done(payment_json(*after->payment));
  if (pending) r.status = 202;
  return r;
}

FloorResult Floor::payment_end(AgentId agent) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (!s->payment) return FloorResult::error(409, "no_payment", "no payment is open");
  if (s->payment->phase == "processing") {
    return FloorResult::error(409, "payment_processing", "a payment is being processed");
  }
  end_payment(*s, true);
  publish(*s, "payment", json::object{{"phase", "closed"}});
  return FloorResult::done({{"phase", "closed"}});
}

void Floor::dtmf(CallId call, char digit) {
  const auto it = call_owner_.find(call);
  if (it == call_owner_.end()) return;
  Session* s = find(it->second);
  if (s == nullptr || !s->payment || s->payment->call != call) return;
  if (s->payment->phase != "capturing") return;
  s->payment->capture.key(digit);
  publish(*s, "payment", payment_json(*s->payment));
}

}  // namespace dialcore::control::floor
