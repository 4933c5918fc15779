#pragma once
// dialcore-agent-sim's command line (README.md lists every option), the agent list
// (`--agents`) and the weighted wrap codes (`--wrap-codes`, inline or a small YAML file).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dialcore::sim::agents {

struct AgentAccount {
  std::string login;         // the agent's API username (also its name in the summary)
  std::string sip_user;      // the handset's SIP username
  std::string sip_password;  // the handset's digest password
  std::string api_password;  // the API password; the SIP password when not given
};

struct WeightedCode {
  std::string code;
  double weight = 1;
};

struct Range {  // seconds, drawn uniformly in [min, max]
  double min = 0, max = 0;
};

struct Options {
  std::vector<AgentAccount> agents;   // --agents LIST | @FILE
  std::string api;                    // --api http://HOST:PORT ("" = no API side)
  std::string sip_host;               // --sip HOST:PORT of the agent interface ("" = no SIP side)
  std::uint16_t sip_port = 0;
  std::string listen_host = "127.0.0.1";  // --listen HOST:PORT: our handsets' UDP address
  std::uint16_t listen_port = 0;
  std::uint32_t register_expires_s = 60;  // --expires S
  double duration_s = 0;                  // --duration-s S; 0 = until SIGTERM/SIGINT
  std::uint64_t seed = 1;                 // --seed N
  std::vector<WeightedCode> wrap_codes = {{"sale", 1}};  // --wrap-codes a:3,b:1 | FILE.yaml
  Range wrap_s{1, 3};                     // --wrap-s MIN[:MAX]
  double pay_prob = 0;    // --pay-prob P: start a masked payment on each call answered
  double pause_prob = 0;                  // --pause-prob P: after each wrap (and at the start)
  Range pause_s{2, 5};                    // --pause-s MIN[:MAX]
  std::vector<std::string> pause_reasons = {"break"};  // --pause-reasons a,b
  bool api_answer = true;                 // --no-api-answer: never POST /floor/calls/answer
  std::string voice_mode = "call_me";     // --voice call_me|call_in|default (floor login body)
  bool persistent = true;                 // --non-persistent
  std::string audio = "speech";           // --audio speech|tone|FILE.wav
  std::string capture_dir;                // --capture-dir DIR
  double max_talk_s = 0;                  // --max-talk-s S: our BYE after S (0: never)
  std::vector<std::string> codecs = {"PCMU", "PCMA", "telephone-event"};  // --codecs
  bool json = false;                      // --json
  bool verbose = false;                   // --verbose
};

// Parses argv; on error or --help returns nullopt and sets `message` (help text on --help,
// with `help` true). Reads the @FILE agent list and a wrap-code YAML file.
std::optional<Options> parse_options(int argc, char** argv, std::string& message, bool& help);
std::string usage();

// "login:sip_user:password[:api_password],..." or one such entry per line (# comments).
// Throws std::runtime_error naming the bad entry.
std::vector<AgentAccount> parse_agents(const std::string& text);
// "code:weight,code" (weight 1 when omitted) or a YAML file (a map code: weight, or a list of
// codes). Throws std::runtime_error naming the problem.
std::vector<WeightedCode> parse_wrap_codes(const std::string& text_or_file);

}  // namespace dialcore::sim::agents
