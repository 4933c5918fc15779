// The agents' registrar against sipp handsets with digest (label sip): right and wrong
// passwords, 423, two contacts, expiry, unregister with "*", credentials withdrawn.
#include "agent_rig.hpp"
#include "agent_scenarios.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace dialcore::test {
namespace {

using control::sip::SipEventKind;
namespace sc = scenarios;

}  // namespace

TEST_CASE("a handset registers with the right password, refreshes and unregisters with *",
          "[sip][registrar]") {
  AgentRig rig;
  const std::string xml =
      sc::wrap(sc::register_once("ext101", sc::contact("ext101") + "Expires: 60\n", "200") +
               // Already authenticated once: sipp answers the same nonce again (a refresh).
               sc::register_request("ext101", 3, sc::contact("ext101") + "Expires: 120\n", true) +
               "  <recv response=\"200\"/>\n" +
               sc::register_request("ext101", 4, "Contact: *\nExpires: 0\n", true) +
               "  <recv response=\"200\"/>\n");
  auto sipp = rig.handset("register", xml, "ext101", "s3cret");
  const auto registered = rig.registration(SipEventKind::Registered, "ext101");
  REQUIRE(registered);
  CHECK(registered->contacts == 1);
  CHECK(registered->interface == "handsets");
  const auto gone = rig.registration(SipEventKind::Unregistered, "ext101");
  REQUIRE(gone);
  CHECK(gone->contacts == 0);
  sipp_passed(*sipp);
  const auto c = rig.stack->counters();
  CHECK(c.registrations == 3);
  CHECK(c.register_challenges == 1);
  CHECK(c.register_failures == 0);
  CHECK(rig.stack->registered_users() == 0);
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("a wrong password gets 403 once, never another challenge", "[sip][registrar]") {
  AgentRig rig;
  // After the 403 the scenario ends: a second 401 would be an unexpected message.
  auto sipp = rig.handset(
      "wrong",
      sc::wrap(sc::register_once("ext101", sc::contact("ext101") + "Expires: 60\n", "403")),
      "ext101", "not-the-password");
  sipp_passed(*sipp);
  const auto c = rig.stack->counters();
  CHECK(c.register_failures == 1);
  CHECK(c.register_challenges == 1);
  CHECK(c.registrations == 0);
  CHECK(rig.stack->registered_users() == 0);
  // Another agent's credentials cannot register ext101's address either.
  auto other = rig.handset(
      "other",
      sc::wrap(sc::register_once("ext101", sc::contact("ext101") + "Expires: 60\n", "403")),
      "ext102", "0th3r");
  sipp_passed(*other);
  CHECK(rig.stack->counters().register_failures == 2);
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("two contacts, 423 below the minimum, expiry by the tick", "[sip][registrar]") {
  AgentRig rig;
  const std::string two = sc::contact("ext102") + sc::contact("ext102", ";line=2") + "Expires: 2\n";
  const std::string xml =
      sc::wrap(sc::register_request("ext102", 1, sc::contact("ext102") + "Expires: 1\n", false) +
               "  <recv response=\"401\" auth=\"true\"/>\n" +
               sc::register_request("ext102", 2, sc::contact("ext102") + "Expires: 1\n", true) +
               "  <recv response=\"423\"><action><ereg regexp=\"2\" search_in=\"hdr\" "
               "header=\"Min-Expires:\" check_it=\"true\" assign_to=\"min\"/></action></recv>\n" +
               sc::register_request("ext102", 3, two + "X-Seen: [$min]\n", true) +
               "  <recv response=\"200\"/>\n");
  auto sipp = rig.handset("two", xml, "ext102", "0th3r");
  const auto registered = rig.registration(SipEventKind::Registered, "ext102");
  REQUIRE(registered);
  CHECK(registered->contacts == 2);
  sipp_passed(*sipp);
  CHECK(rig.stack->registered_users() == 1);
  // Expires: 2 → gone within a few ticks, reported once.
  const auto expired =
      rig.registration(SipEventKind::Unregistered, "ext102", std::chrono::seconds(6));
  REQUIRE(expired);
  CHECK(rig.stack->registered_users() == 0);
  CHECK(rig.stack->counters().registrations == 1);
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("withdrawn credentials drop the handset's bindings", "[sip][registrar]") {
  AgentRig rig;
  auto sipp = rig.handset(
      "reg", sc::wrap(sc::register_once("ext101", sc::contact("ext101") + "Expires: 60\n", "200")),
      "ext101", "s3cret");
  REQUIRE(rig.registration(SipEventKind::Registered, "ext101"));
  sipp_passed(*sipp);
  REQUIRE(rig.stack->set_agent_credentials({{"ext102", AgentRig::ha1("ext102", "0th3r")}}));
  REQUIRE(rig.registration(SipEventKind::Unregistered, "ext101"));
  CHECK(rig.stack->registered_users() == 0);
}

}  // namespace dialcore::test

namespace dialcore::test {

TEST_CASE("baresip registers with digest and unregisters when it quits", "[sip][registrar]") {
  AgentRig rig;
  // baresip wants a non-loopback local address and a default route: both on `lo` of this
  // test's own namespace (nothing leaves it).
  REQUIRE(std::system("ip addr add 10.99.0.1/32 dev lo && "
                      "ip route add default dev lo src 10.99.0.1") == 0);
  // A minimal baresip: no audio device, one account, SIP on a fixed port in the namespace;
  // -t quits it after 4 s (it unregisters on the way out).
  const std::string config_dir = rig.dir.file("baresip");
  std::filesystem::create_directories(config_dir);
  std::ofstream(config_dir + "/config") << "sip_listen 127.0.0.1:5092\n"
                                           "module_path /usr/lib/baresip/modules\n"
                                           "module g711.so\n"
                                           "module_app account.so\n";
  std::ofstream(config_dir + "/accounts")
      << "<sip:ext101@127.0.0.1:" << rig.port << ";transport=udp>;auth_pass=s3cret;regint=60\n";
  Sipp baresip(rig.dir, {"-4", "-f", config_dir, "-t", "4"}, "baresip");
  const auto registered = rig.registration(SipEventKind::Registered, "ext101");
  INFO(baresip.log());
  REQUIRE(registered);
  CHECK(registered->contacts == 1);
  const auto gone =
      rig.registration(SipEventKind::Unregistered, "ext101", std::chrono::seconds(10));
  CHECK(gone);
  baresip.wait(std::chrono::seconds(10));
  CHECK(rig.stack->counters().register_failures == 0);
  CHECK(rig.stack->counters().register_challenges >= 1);
}

}  // namespace dialcore::test
