#pragma once
// Network namespaces and veth pairs for tests that need a real link (the DPDK backend on
// net_af_packet, end-to-end tests with kernel or oRTP peers). Everything a test makes is named
// uniquely per run ("dct-<pid>-<n>-<tag>" for namespaces, "dc<pid><n><a|b>" for links, both
// short enough for IFNAMSIZ) and removed by the destructors, also when a REQUIRE throws;
// namespaces left behind by a process that died (kill -9, a crash) are removed by the next
// test that makes one, because their pid is gone. Addresses inside a namespace are private to
// it, so fixed test subnets there never touch the host's.
//
// Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and `ip` (iproute2). netns_unavailable() says why a
// test cannot have them, for a clear skip.
//
// Threads: NetNsScope switches the calling thread only (setns); sockets keep the namespace they
// were created in, so a test thread can make peer sockets in one namespace and run a DPDK port
// in another.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dialcore::test {

// Runs a program (argv[0] looked up in PATH), waits, returns its exit status and its merged
// stdout/stderr. Status 127 when it could not be started.
struct CommandResult {
  int status = 127;
  std::string output;
};
CommandResult run_command(const std::vector<std::string>& argv);

// Why namespaces cannot be made here (not root, no `ip`, the kernel refuses), or nullopt.
std::optional<std::string> netns_unavailable();

class NetNs {
 public:
  // Creates a namespace and brings its loopback up. Throws std::runtime_error with `ip`'s
  // message on failure.
  explicit NetNs(std::string_view tag);
  ~NetNs();  // deletes it (and every link in it)
  NetNs(const NetNs&) = delete;
  NetNs& operator=(const NetNs&) = delete;

  const std::string& name() const { return name_; }
  // `ip -n <name> <args...>`; throws std::runtime_error naming the command and its output.
  void ip(const std::vector<std::string>& args) const;

 private:
  std::string name_;
};

// The calling thread enters `ns` for this object's lifetime (setns), then returns to the
// namespace it was in. Throws std::runtime_error when setns fails.
class NetNsScope {
 public:
  explicit NetNsScope(const NetNs& ns);
  ~NetNsScope();
  NetNsScope(const NetNsScope&) = delete;
  NetNsScope& operator=(const NetNsScope&) = delete;

 private:
  int previous_ = -1;
};

using Mac = std::array<std::uint8_t, 6>;
std::string mac_text(const Mac& mac);

// A veth pair, end `a` in namespace `ns_a`, end `b` in `ns_b`, both up, with the given MACs.
// Deleting either namespace deletes the pair; the destructor deletes it earlier if still there.
class VethPair {
 public:
  VethPair(const NetNs& ns_a, const Mac& mac_a, const NetNs& ns_b, const Mac& mac_b);
  ~VethPair();
  VethPair(const VethPair&) = delete;
  VethPair& operator=(const VethPair&) = delete;

  const std::string& a() const { return a_; }
  const std::string& b() const { return b_; }

 private:
  const NetNs& ns_a_;
  std::string a_, b_;
};

// Turns the transmit checksum offload of `ifname` (in the calling thread's namespace) on or off
// (the SIOCETHTOOL ioctl, what `ethtool -K IF tx off` does). A veth with it on hands datagrams to
// an AF_PACKET reader with the UDP checksum not yet filled in (TP_STATUS_CSUMNOTREADY), which
// net_af_packet in DPDK 22.11 does not report: the kernel peer must compute real checksums.
// Throws std::runtime_error on failure.
void set_tx_checksum_offload(const std::string& ifname, bool on);

}  // namespace dialcore::test
