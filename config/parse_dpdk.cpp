// dataplane.dpdk: the DPDK backend's port, EAL and link settings (issue 3).
#include <arpa/inet.h>

#include <cstdint>
#include <cstdio>
#include <optional>

#include "config/sections.hpp"

namespace dialcore::config::detail {
namespace {

// Host order; nullopt unless `text` is dotted-quad IPv4.
std::optional<std::uint32_t> ipv4(const std::string& text) {
  in_addr a{};
  if (::inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::string check_mac(const std::string& text) {
  unsigned b[6];
  char end = 0;
  if (text.size() == 17 && std::sscanf(text.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1],
                                       &b[2], &b[3], &b[4], &b[5], &end) == 6) {
    return "";
  }
  return "'" + text + "' is not a MAC address (six hex pairs, aa:bb:cc:dd:ee:ff)";
}

}  // namespace

void parse_dpdk(MapReader& in, Dataplane& out) {
  DpdkSettings& d = out.dpdk;
  in.texts("eal_args", d.eal_args);
  in.integer("port", d.port, 0, 1023);
  in.text("device", d.device);
  in.choice("rx_checksum", d.rx_checksum,
            {{"verify", RxChecksum::Verify}, {"trust", RxChecksum::Trust}});
  in.integers("prefix_lengths", d.prefix_lengths, 0, 32);
  if (d.prefix_lengths.size() > out.addresses.size()) {
    in.diag().error_at(in.key_path("prefix_lengths"),
                       std::to_string(d.prefix_lengths.size()) + " prefix lengths for " +
                           std::to_string(out.addresses.size()) +
                           " dataplane.addresses (one per address, in order)");
  }
  checked_text(in, "gateway_mac", d.gateway_mac, check_mac);
  checked_text(in, "mac", d.mac, check_mac);
  in.text("exception_path", d.exception_path);
  in.choice("steering", d.steering,
            {{"auto", DpdkSteering::Auto}, {"software", DpdkSteering::Software}});
  std::string gateway;
  in.text("gateway", gateway);
  if (!gateway.empty()) {
    const auto gw = ipv4(gateway);
    bool on_link = false;
    for (std::size_t i = 0; gw && i < out.addresses.size() && i < d.prefix_lengths.size(); ++i) {
      const auto ours = ipv4(out.addresses[i]);
      const int prefix = d.prefix_lengths[i];
      const std::uint32_t mask = prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix);
      if (ours && prefix < 32 && ((*ours ^ *gw) & mask) == 0) on_link = true;
    }
    if (!gw) {
      in.diag().error_at(in.key_path("gateway"), "'" + gateway + "' is not an IPv4 address");
    } else if (!on_link) {
      in.diag().error_at(in.key_path("gateway"),
                         gateway + " is on none of our subnets (dataplane.addresses with "
                                   "dpdk.prefix_lengths)");
    } else {
      d.gateway = gateway;
    }
  }
  in.done();
}

void check_dpdk_addresses(MapReader& dataplane, const Dataplane& out) {
  for (std::size_t i = 0; i < out.addresses.size(); ++i) {
    if (!ipv4(out.addresses[i])) {
      dataplane.diag().error_at(dataplane.key_path("addresses") + "[" + std::to_string(i) + "]",
                                "'" + out.addresses[i] +
                                    "': the dpdk backend serves IPv4 addresses only so far");
    }
  }
}

}  // namespace dialcore::config::detail
