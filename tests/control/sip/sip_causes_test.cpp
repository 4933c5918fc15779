#include <catch2/catch.hpp>

#include "control/sip/sip_causes.hpp"

namespace dialcore::control::sip {

TEST_CASE("SIP statuses map to the outcomes the dialler sees", "[sip][causes]") {
  for (const int s : {486, 600, 603}) CHECK(end_for_status(s, false, false) == CallEnd::Busy);
  for (const int s : {480, 408}) CHECK(end_for_status(s, false, false) == CallEnd::NoAnswer);
  for (const int s : {404, 484, 604}) {
    CHECK(end_for_status(s, false, false) == CallEnd::InvalidNumber);
  }
  for (const int s : {500, 502, 503}) CHECK(end_for_status(s, false, false) == CallEnd::Congestion);
  for (const int s : {400, 403, 405, 415, 488, 501, 504, 606, 699}) {
    CHECK(end_for_status(s, false, false) == CallEnd::Failed);
  }
}

TEST_CASE("a 487 means what our CANCEL meant", "[sip][causes]") {
  CHECK(end_for_status(487, true, false) == CallEnd::NoAnswer);
  CHECK(end_for_status(487, false, true) == CallEnd::Cancelled);
  CHECK(end_for_status(487, false, false) == CallEnd::Failed);  // a CANCEL we never sent
}

TEST_CASE("every outcome and event kind has a name", "[sip][causes]") {
  for (int i = 0; i <= static_cast<int>(kLastCallEnd); ++i) {
    CHECK(call_end_name(static_cast<CallEnd>(i)) != "?");
  }
  for (int i = 0; i <= static_cast<int>(kLastSipEventKind); ++i) {
    CHECK(sip_event_kind_name(static_cast<SipEventKind>(i)) != "?");
  }
}

}  // namespace dialcore::control::sip
