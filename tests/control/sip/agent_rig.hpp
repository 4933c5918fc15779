#pragma once
// The agents' side under test: a SipStack in a private network namespace whose agent
// interface ("handsets") knows ext101/s3cret and ext102/0th3r, and sipp handsets against it.

#include <catch2/catch.hpp>

#include "sip_test_support.hpp"

#include "control/sip/sip_stack.hpp"

#include <memory>
#include <string>
#include <vector>

namespace dialcore::test {

inline constexpr const char* kAgentRealm = "dialcore.test";
inline constexpr std::uint16_t kHandsetPort = 5090;

struct AgentRig {
  TempDir dir;
  EventLog log;
  std::unique_ptr<control::sip::SipStack> stack;
  std::uint16_t port = 0;  // the handsets interface, chosen by the kernel

  AgentRig() {
    enter_private_netns();
    config::Sip settings = test_sip_config(5070);
    settings.realm = kAgentRealm;
    settings.timers.register_min_expires_s = 2;
    stack = std::make_unique<control::sip::SipStack>(std::move(settings), log.sink());
    const auto error = stack->start();
    INFO(error.value_or(""));
    REQUIRE_FALSE(error);
    REQUIRE(stack->interface("handsets") != nullptr);
    port = stack->interface("handsets")->port;
    REQUIRE(stack->set_agent_credentials(
        {{"ext101", ha1("ext101", "s3cret")}, {"ext102", ha1("ext102", "0th3r")}}));
  }

  static std::string ha1(const std::string& user, const std::string& password) {
    return md5_hex(user + ":" + kAgentRealm + ":" + password);
  }

  // A sipp handset running `xml`, authenticating as user/password.
  std::unique_ptr<Sipp> handset(const std::string& name, const std::string& xml,
                                const std::string& user, const std::string& password,
                                std::uint16_t local_port = kHandsetPort) {
    std::vector<std::string> args = {"-sf", write_scenario(dir, name, xml)};
    for (const char* a : {"-i", "127.0.0.1", "-nostdin", "-timeout", "20s", "-timeout_error"}) {
      args.emplace_back(a);
    }
    args.insert(args.end(), {"-au", user, "-ap", password, "-p", std::to_string(local_port), "-m",
                             "1", "127.0.0.1:" + std::to_string(port)});
    return std::make_unique<Sipp>(dir, args);
  }

  std::optional<control::sip::SipEvent> registration(
      control::sip::SipEventKind kind, const std::string& user,
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return log.wait_for(
        [&](const control::sip::SipEvent& e) { return e.kind == kind && e.user == user; }, timeout);
  }
};

inline void sipp_passed(Sipp& sipp) {
  const int status = sipp.wait();
  INFO(sipp.log());
  CHECK(status == 0);
}

}  // namespace dialcore::test
