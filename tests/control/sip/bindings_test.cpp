// The registrar's binding table: several contacts, refresh, removal, expiry, out-of-order
// CSeq, and the most recent binding as the one a call goes to (label sip).
#include <catch2/catch.hpp>

#include "control/sip/bindings.hpp"

using dialcore::control::sip::BindingTable;

TEST_CASE("bindings: two contacts, refresh, remove one, expire the other", "[sip][registrar]") {
  BindingTable t;
  REQUIRE(t.apply("ext101", {{"sip:ext101@10.0.0.5:5062", 60}, {"sip:ext101@10.0.0.6:5062", 30}},
                  "sip:203.0.113.7:40000;transport=udp", "call-a", 1, 1000));
  CHECK(t.count("ext101") == 2);
  CHECK(t.users() == 1);
  CHECK(t.latest("ext101") != nullptr);
  CHECK(t.latest("ext101")->source == "sip:203.0.113.7:40000;transport=udp");
  // A later refresh of the second contact makes it the latest.
  REQUIRE(t.apply("ext101", {{"sip:ext101@10.0.0.6:5062", 30}}, "sip:203.0.113.7:40001", "call-b",
                  1, 5000));
  CHECK(t.latest("ext101")->contact == "sip:ext101@10.0.0.6:5062");
  CHECK(t.latest("ext101")->source == "sip:203.0.113.7:40001");
  // The same Call-ID with a CSeq not above the binding's is refused and changes nothing.
  CHECK_FALSE(t.apply("ext101", {{"sip:ext101@10.0.0.6:5062", 0}}, "x", "call-b", 1, 6000));
  CHECK(t.count("ext101") == 2);
  // Expires 0 removes one contact.
  REQUIRE(t.apply("ext101", {{"sip:ext101@10.0.0.5:5062", 0}}, "x", "call-a", 2, 7000));
  CHECK(t.count("ext101") == 1);
  // The other expires at 5000 + 30 s: nothing before, the user emptied at.
  CHECK(t.expire(34999).empty());
  CHECK(t.expire(35000) == std::vector<std::string>{"ext101"});
  CHECK(t.count("ext101") == 0);
  CHECK(t.latest("ext101") == nullptr);
  CHECK(t.users() == 0);
}

TEST_CASE("bindings: remove_all and unknown users", "[sip][registrar]") {
  BindingTable t;
  CHECK(t.latest("nobody") == nullptr);
  CHECK(t.count("nobody") == 0);
  REQUIRE(t.apply("a", {{"sip:a@1.2.3.4", 60}}, "s", "c", 1, 0));
  REQUIRE(t.apply("b", {{"sip:b@1.2.3.4", 60}}, "s", "d", 1, 0));
  t.remove_all("a");
  CHECK(t.count("a") == 0);
  CHECK(t.count("b") == 1);
  CHECK(t.user_names() == std::vector<std::string>{"b"});
  // Removing a contact that is not there leaves no empty entry behind.
  REQUIRE(t.apply("c", {{"sip:c@1.2.3.4", 0}}, "s", "e", 1, 0));
  CHECK(t.users() == 1);
}
