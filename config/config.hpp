#pragma once
// The appliance's configuration as plain structs (issue 6). No yaml-cpp type appears here:
// config/loader.hpp turns YAML into these and validates them.
//
// DEFAULTS LIVE HERE, and only here: every default is the member initialiser below, and
// config/README.md's schema reference is written from this file. "live" and "restart" in the
// comments say whether a change applies on reload (SIGHUP / API) or needs a restart; the
// authoritative list of restart keys is the table in config/config_diff.cpp.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dialcore::config {

// An IP address and port, as written "127.0.0.1:8080" or "[::1]:8080". Port 0 lets the kernel
// choose (tests).
struct Endpoint {
  std::string address;
  std::uint16_t port = 0;
  bool ipv6 = false;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

enum class Backend { Socket, Dpdk };
enum class RxChecksum { Verify, Trust };  // DPDK: check UDP/IP checksums or trust the NIC

enum class DpdkSteering { Auto, Software };  // rte_flow where the port has it | never

struct DpdkSettings {
  std::vector<std::string> eal_args;  // passed to rte_eal_init after argv[0]
  std::uint16_t port = 0;             // ethdev port id, when `device` is empty
  std::string device;  // ethdev name: a PCI address (0000:03:00.0) or a vdev (net_af_packet0)
  RxChecksum rx_checksum = RxChecksum::Verify;
  std::vector<int> prefix_lengths;  // per dataplane.addresses entry (IPv4 only); missing: 32
  std::string gateway;        // IPv4 router on one of those subnets, resolved by ARP; "": none
  std::string gateway_mac;    // static MAC for off-link destinations instead; "": none
  std::string mac;            // our MAC; "": the port's
  std::string exception_path;  // devargs of a TAP (net_tap_dc0,iface=dc0); "": non-RTP dropped
  DpdkSteering steering = DpdkSteering::Auto;
  friend bool operator==(const DpdkSettings&, const DpdkSettings&) = default;
};

struct Dataplane {  // restart: every key
  Backend backend = Backend::Socket;
  std::vector<int> workers = {0};  // worker cores
  bool pin_workers = true;  // false: worker threads float (shared CI/dev cores); one per entry
  std::uint32_t idle_sleep_us = 100;  // an idle worker sleeps this long; 0 = busy-poll
  std::vector<std::string> addresses = {"127.0.0.1"};  // local media addresses (IPv4/IPv6)
  std::uint16_t rtp_port_first = 20000;                // even
  std::uint16_t rtp_port_last = 29999;
  std::uint32_t legs_per_worker = 4096;     // leg table capacity
  std::uint32_t no_rtp_timeout_ms = 30000;  // live
  DpdkSettings dpdk;
  friend bool operator==(const Dataplane&, const Dataplane&) = default;
};

enum class SipRole { Trunk, Agent };
enum class SipTransport { Udp, Tcp };
enum class Privacy { None, Id };  // RFC 3325/3323 on outbound calls
enum class SrtpPolicy { Off, Optional, Required };

struct SipInterface {  // restart
  std::string name;
  SipRole role = SipRole::Trunk;
  std::vector<Endpoint> listen;
  SipTransport transport = SipTransport::Udp;
  friend bool operator==(const SipInterface&, const SipInterface&) = default;
};

struct TrunkAuth {
  std::string username;
  std::string password;
  std::string realm;  // empty: any realm the carrier challenges with
  friend bool operator==(const TrunkAuth&, const TrunkAuth&) = default;
};

struct SipTrunk {  // live: applies to new calls
  std::string id;
  std::string interface;  // a SipInterface with role trunk
  std::string proxy;      // sip: URI where INVITEs go
  std::string registrar;  // sip: URI; empty: no registration
  std::optional<TrunkAuth> auth;
  std::string cli;  // caller id when no other rule gives one
  Privacy privacy = Privacy::None;
  std::uint32_t max_calls = 100;  // concurrent
  std::uint32_t max_cps = 10;     // new calls per second
  SrtpPolicy srtp = SrtpPolicy::Off;
  std::vector<std::string> codecs = {"PCMU", "PCMA", "telephone-event"};
  friend bool operator==(const SipTrunk&, const SipTrunk&) = default;
};

struct SipTimers {  // restart: the nua instances are created with them
  std::uint32_t t1_ms = 500;
  std::uint32_t invite_timeout_s = 60;        // CANCEL an unanswered outbound call
  std::uint32_t session_expires_s = 1800;     // RFC 4028; 0 disables session timers
  std::uint32_t register_expires_s = 3600;    // agents' registrations: the longest granted
  std::uint32_t register_min_expires_s = 60;  // shorter asks get 423 Interval Too Brief
  friend bool operator==(const SipTimers&, const SipTimers&) = default;
};

struct Sip {
  std::vector<SipInterface> interfaces;
  std::vector<SipTrunk> trunks;
  SipTimers timers;
  std::string realm = "dialcore";  // restart: the agents' digest realm; HA1s are hashed with it
  friend bool operator==(const Sip&, const Sip&) = default;
};

enum class RecordingFormat { WavStereo, WavMono, Opus };

struct Recording {
  std::vector<int> cores = {0};                             // restart
  std::string directory = "recordings";                     // live; relative to data_dir
  std::string path_layout = "{date}/{campaign}/{call_id}";  // live
  RecordingFormat format = RecordingFormat::WavStereo;      // live
  std::uint32_t sample_rate_hz = 8000;                      // live; 8000 | 16000
  std::uint32_t flush_interval_ms = 500;                    // live; most audio lost on a crash
  std::uint32_t file_mode = 0640;                           // live
  friend bool operator==(const Recording&, const Recording&) = default;
};

enum class StoreBackend { Sqlite, Postgres };

struct Store {  // restart
  StoreBackend backend = StoreBackend::Sqlite;
  std::string sqlite_path = "dialcore.sqlite";  // relative to data_dir
  friend bool operator==(const Store&, const Store&) = default;
};

struct Tls {
  std::string cert_file;
  std::string key_file;
  friend bool operator==(const Tls&, const Tls&) = default;
};

struct Api {
  Endpoint listen = {"127.0.0.1", 8080, false};  // restart
  std::optional<Tls> tls;                        // restart
  std::string admin_token;  // live; from api.admin_token or DIALCORE_ADMIN_TOKEN
  bool admin_token_from_env = false;
  // live; from api.supervisor_token or DIALCORE_SUPERVISOR_TOKEN; reads everything, unlocks
  std::string supervisor_token;
  std::uint32_t max_body_bytes = 1 << 20;  // live
  std::uint32_t login_max_attempts = 10;   // live; per client address and window
  std::uint32_t login_window_s = 60;       // live
  friend bool operator==(const Api&, const Api&) = default;
};

struct PasswordPolicy {
  std::uint32_t min_length = 8;
  bool require_lower = true;
  bool require_upper = true;
  bool require_digit = true;
  bool require_symbol = true;  // one of ~!@#$%^&-_=+[{]}. (seed 002)
  friend bool operator==(const PasswordPolicy&, const PasswordPolicy&) = default;
};

struct Organisation {  // live
  std::string name = "Dialcore";
  std::string default_cli;       // E.164, may be empty
  std::string timezone = "UTC";  // IANA name, checked against /usr/share/zoneinfo
  PasswordPolicy password_policy;
  std::uint32_t lockout_attempts = 5;      // wrong passwords before lock; 0 never locks
  std::uint32_t lockout_duration_s = 900;  // 0: until an admin unlocks
  std::uint32_t inactivity_days = 90;      // disable after; 0 never
  bool require_pause_reason = true;        // agents must pick a reason to pause
  bool require_mfa = false;                // TOTP for every user
  // Agent voice connections (issue 8): DIDs that reach the call-in access line (the agent keys
  // agent id # PIN #), and the trunk that places call-me legs to a number that is not the
  // agent's registered handset (empty: such numbers are refused).
  std::vector<std::string> call_in_numbers;
  std::string agent_phone_trunk;
  friend bool operator==(const Organisation&, const Organisation&) = default;
};

struct PauseReason {
  std::string code;
  std::string name;
  bool billable = false;             // paid/productive time in reports
  bool enforced = false;             // only a supervisor ends it
  bool auto_pause = false;           // the reason the system uses for auto pause (exactly one)
  std::uint32_t max_duration_s = 0;  // alarm after; 0 no limit
  friend bool operator==(const PauseReason&, const PauseReason&) = default;
};

enum class WrapOutcome { Complete, Retry, Callback, PersonalCallback, DoNotCall, CompleteNumber };

struct WrapCode {
  std::string code;
  std::string name;
  WrapOutcome outcome = WrapOutcome::Complete;
  std::string hotkey;  // one character, unique; empty none
  friend bool operator==(const WrapCode&, const WrapCode&) = default;
};

struct Team {
  std::string id;
  std::string name;
  friend bool operator==(const Team&, const Team&) = default;
};

enum class QueueStrategy { RingAll, LongestIdle, FewestCalls, RoundRobin, Random, SkillWeighted };
enum class OverflowAction { Hangup, Queue, Voicemail };

struct Queue {
  std::string id;
  std::string name;
  std::vector<std::string> teams;  // agents of these teams serve it
  std::vector<std::string> dids;   // inbound numbers routed here
  QueueStrategy strategy = QueueStrategy::LongestIdle;
  std::uint32_t ring_timeout_s = 20;  // then the agent is auto-paused
  std::uint32_t wrap_s = 10;
  std::uint32_t max_wait_s = 600;
  OverflowAction overflow = OverflowAction::Hangup;
  std::string overflow_queue;          // with overflow: queue
  std::uint32_t service_level_s = 20;  // answered within
  std::uint32_t service_level_percent = 80;
  std::uint32_t announce_interval_s = 0;  // position/wait announcements; 0 none
  std::vector<std::string> wrap_codes;
  friend bool operator==(const Queue&, const Queue&) = default;
};

enum class DialStrategy { Preview, Progressive, Predictive, Power };
enum class CliSource { Agent, Campaign, Organisation };
enum class MachineAction { Hangup, Message, Agent };

struct Dialler {
  DialStrategy strategy = DialStrategy::Progressive;
  std::uint32_t preview_timeout_s = 0;        // preview: auto-skip, progressive: auto-dial; 0 none
  double lines_per_agent = 1.0;               // power: calls in flight per idle agent
  double max_lines_per_agent = 3.0;           // predictive: cap on its dial level
  std::uint32_t min_idle_agents_inbound = 0;  // blended: outbound only above this many idle
  friend bool operator==(const Dialler&, const Dialler&) = default;
};

// Answering-machine detection (issue 4): Asterisk AMD's parameter names, with the defaults our
// detector was tuned with on the AMD corpus (dataplane/dsp/amd_detector.hpp AmdConfig), not
// Asterisk's (a 1.5 s greeting limit calls long live answers "Hello, this is Jane speaking..."
// machines).
struct Amd {
  bool enabled = false;
  std::uint32_t initial_silence_ms = 4000;
  std::uint32_t greeting_ms = 4000;
  std::uint32_t after_greeting_silence_ms = 900;
  std::uint32_t total_analysis_ms = 10000;
  std::uint32_t min_word_ms = 60;
  std::uint32_t between_words_silence_ms = 50;  // deprecated, ignored (a load warning)
  std::uint32_t max_words = 3;                  // deprecated, ignored (a load warning)
  MachineAction on_machine = MachineAction::Hangup;
  // on_machine: message: the sound file (relative to data_dir, loaded at start like
  // abandon.message) played after the machine's beep. Required with `message`.
  std::string message_prompt;
  friend bool operator==(const Amd&, const Amd&) = default;
};

struct RetryDelays {  // per outcome; 0 never retry
  std::uint32_t busy_s = 600;
  std::uint32_t no_answer_s = 3600;
  std::uint32_t machine_s = 14400;
  std::uint32_t invalid_s = 0;
  friend bool operator==(const RetryDelays&, const RetryDelays&) = default;
};

enum class AbandonLedger { Uk, Us };

struct Campaign {
  std::string id;
  std::string name;
  std::vector<std::string> teams;
  std::string queue;  // inbound queue for blended campaigns; empty none
  std::string trunk;  // sip trunk for outbound calls
  Dialler dialler;
  double abandon_target_percent = 3.0;
  AbandonLedger abandon_ledger = AbandonLedger::Uk;
  std::string abandon_message;  // prompt played to an abandoned call
  Amd amd;
  std::uint32_t wrap_timer_s = 0;  // auto-wrap after; 0 no auto-wrap
  std::string auto_wrap_code;      // required when wrap_timer_s > 0
  std::uint32_t wrap_extension_s = 0;
  std::vector<std::string> wrap_codes;
  std::string cli;  // the campaign's caller id
  std::vector<CliSource> cli_order = {CliSource::Agent, CliSource::Campaign,
                                      CliSource::Organisation};
  std::string calling_window_start = "08:00";  // the lead's local time
  std::string calling_window_end = "21:00";
  std::uint32_t max_attempts = 3;
  RetryDelays retry;
  bool record = true;
  bool autostart = false;  // dialcored starts dialling it at start-up (else: the API's start)
  friend bool operator==(const Campaign&, const Campaign&) = default;
};

enum class Role { Agent, Supervisor, Admin };
enum class Priority { High, Medium, Low };

struct CampaignAssignment {
  std::string campaign;
  Priority priority = Priority::Medium;
  friend bool operator==(const CampaignAssignment&, const CampaignAssignment&) = default;
};

enum class ConnectionMode { CallMe, CallIn };  // seed 001: how the agent's voice connects

struct AgentPermissions {  // seed 000 "Permissions"
  bool manual_call = true;
  bool agent_call = true;  // call another agent
  bool pause = true;       // may pause (with the organisation's reasons)
  bool callbacks = true;
  bool receive_transfers_when_paused = false;
  bool lead_manager = false;
  friend bool operator==(const AgentPermissions&, const AgentPermissions&) = default;
};

struct SeedAgent {  // created in the store when absent; never overwrites
  std::string username;
  std::string first_name;
  std::string last_name;
  std::string alias;
  std::string email;
  std::string timezone;  // IANA; empty: the organisation's
  std::string cli;       // the agent's own caller id
  Role role = Role::Agent;
  std::vector<std::string> teams;
  std::vector<std::string> queues;
  std::vector<CampaignAssignment> campaigns;
  ConnectionMode connection_mode = ConnectionMode::CallMe;
  bool persistent_connection = true;  // one leg held for the session
  std::string phone;                  // call-me number or SIP user; empty: registered handset
  AgentPermissions permissions;
  bool login_in_pause = false;
  bool auto_answer = false;
  bool dnd_in_pause = true;  // seed 002 default
  bool mask_sensitive_data = false;
  bool ring_in_use = false;  // offer calls while the handset is busy
  friend bool operator==(const SeedAgent&, const SeedAgent&) = default;
};

struct Config {
  std::string data_dir = "./data";  // restart; relative to the working directory
  Dataplane dataplane;
  Sip sip;
  Recording recording;
  Store store;
  Api api;
  Organisation organisation;
  std::vector<PauseReason> pause_reasons;
  std::vector<WrapCode> wrap_codes;
  std::vector<Team> teams;
  std::vector<Queue> queues;
  std::vector<Campaign> campaigns;
  std::vector<SeedAgent> agents;
  friend bool operator==(const Config&, const Config&) = default;
};

// data_dir joined with a relative path; an absolute path is returned as it is.
std::string resolve_data_path(const Config& config, const std::string& path);

}  // namespace dialcore::config
