// dataplane.dpdk (issue 3): the DPDK port, link and steering keys, their errors, and that a
// change to any of them needs a restart.
#include <catch2/catch.hpp>

#include <functional>

#include "config/config_diff.hpp"
#include "config_test_support.hpp"

using namespace dialcore;
using test::all_errors;
using test::load;

namespace {

// Exactly one error, at `key`, whose message contains `text`.
void expect_error(const std::string& yaml, const std::string& key, const std::string& text) {
  const auto r = load(yaml);
  INFO(all_errors(r));
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].key == key);
  CHECK_THAT(r.errors[0].message, Catch::Contains(text));
}

}  // namespace

TEST_CASE("every dataplane.dpdk key loads", "[config][dpdk]") {
  const auto r = load(
      "dataplane:\n"
      "  backend: dpdk\n"
      "  addresses: [10.77.0.1, 10.88.0.1]\n"
      "  dpdk:\n"
      "    eal_args: [--no-huge, \"--vdev=net_af_packet0,iface=veth0\"]\n"  // quoted: ',' splits a flow list
      "    device: net_af_packet0\n"
      "    prefix_lengths: [24, 16]\n"
      "    gateway: 10.88.255.254\n"
      "    gateway_mac: 02:dc:00:00:00:fe\n"
      "    mac: 02:DC:00:00:00:01\n"
      "    exception_path: \"net_tap_dc0,iface=dc0\"\n"
      "    steering: software\n"
      "    rx_checksum: trust\n");
  INFO(all_errors(r));
  REQUIRE(r.ok());
  const config::DpdkSettings& d = r.config->dataplane.dpdk;
  CHECK(d.device == "net_af_packet0");
  CHECK(d.eal_args.size() == 2);
  CHECK(d.prefix_lengths == std::vector<int>{24, 16});
  CHECK(d.gateway == "10.88.255.254");
  CHECK(d.gateway_mac == "02:dc:00:00:00:fe");
  CHECK(d.mac == "02:DC:00:00:00:01");
  CHECK(d.exception_path == "net_tap_dc0,iface=dc0");
  CHECK(d.steering == config::DpdkSteering::Software);
  CHECK(d.rx_checksum == config::RxChecksum::Trust);
  // Defaults: rte_flow where the port has it, no gateway, the port's own MAC.
  const auto plain = load("dataplane: {backend: dpdk}\n");
  REQUIRE(plain.ok());
  CHECK(plain.config->dataplane.dpdk.steering == config::DpdkSteering::Auto);
  CHECK(plain.config->dataplane.dpdk.gateway.empty());
  CHECK(plain.config->dataplane.dpdk.device.empty());
}

TEST_CASE("dataplane.dpdk errors name the key and say what is wrong", "[config][dpdk]") {
  expect_error("dataplane: {dpdk: {gateway: 10.0.0.1}}\n", "dataplane.dpdk.gateway",
               "10.0.0.1 is on none of our subnets");
  expect_error("dataplane: {addresses: [10.0.0.2], dpdk: {prefix_lengths: [24], gateway: 10.0.1.1}}\n",
               "dataplane.dpdk.gateway", "on none of our subnets");
  expect_error("dataplane: {addresses: [10.0.0.2], dpdk: {prefix_lengths: [24], gateway: 'fe80::1'}}\n",
               "dataplane.dpdk.gateway", "'fe80::1' is not an IPv4 address");
  expect_error("dataplane: {addresses: [10.0.0.2], dpdk: {prefix_lengths: [24, 24]}}\n",
               "dataplane.dpdk.prefix_lengths", "2 prefix lengths for 1 dataplane.addresses");
  expect_error("dataplane: {addresses: [10.0.0.2], dpdk: {prefix_lengths: [33]}}\n",
               "dataplane.dpdk.prefix_lengths[0]", "33");
  expect_error("dataplane: {dpdk: {mac: '02:dc:00:00:00'}}\n", "dataplane.dpdk.mac",
               "is not a MAC address");
  expect_error("dataplane: {dpdk: {gateway_mac: 'zz:dc:00:00:00:01'}}\n", "dataplane.dpdk.gateway_mac",
               "is not a MAC address");
  expect_error("dataplane: {dpdk: {steering: rss}}\n", "dataplane.dpdk.steering",
               "'rss' is not one of auto, software");
  expect_error("dataplane: {backend: dpdk, addresses: [10.0.0.2, '2001:db8::1']}\n",
               "dataplane.addresses[1]", "IPv4 addresses only");
  // The socket backend serves IPv6 media addresses.
  CHECK(load("dataplane: {addresses: [10.0.0.2, '2001:db8::1']}\n").ok());
}

TEST_CASE("a change to any dataplane.dpdk key needs a restart", "[config][dpdk][diff]") {
  const auto base_r = load("dataplane:\n  backend: dpdk\n  addresses: [10.77.0.1]\n"
                           "  dpdk: {prefix_lengths: [24], gateway: 10.77.0.254}\n");
  REQUIRE(base_r.ok());
  const config::Config base = *base_r.config;
  using Edit = std::function<void(config::DpdkSettings&)>;
  const std::vector<Edit> edits = {
      [](auto& d) { d.device = "0000:03:00.0"; },
      [](auto& d) { d.prefix_lengths = {16}; },
      [](auto& d) { d.gateway = "10.77.0.253"; },
      [](auto& d) { d.gateway_mac = "02:dc:00:00:00:fe"; },
      [](auto& d) { d.mac = "02:dc:00:00:00:01"; },
      [](auto& d) { d.exception_path = "net_tap_dc0,iface=dc0"; },
      [](auto& d) { d.steering = config::DpdkSteering::Software; },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    INFO("edit " << i);
    config::Config changed = base;
    edits[i](changed.dataplane.dpdk);
    const auto d = config::diff(base, changed);
    CHECK(d.restart == std::vector<std::string>{"dataplane.dpdk"});
    CHECK(d.live.empty());
  }
}
