#include "sim/agents/options.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sim/common/cli_values.hpp"

namespace dialcore::sim::agents {

std::string usage() {
  return "usage: dialcore-agent-sim --agents LIST|@FILE [--api URL] [--sip HOST:PORT] [options]\n"
         "  --agents LIST        login:sip_user:password[:api_password],... or @FILE (one a line)\n"
         "  --api URL            http://HOST:PORT of dialcored's API (agent login, floor, events)\n"
         "  --sip HOST:PORT      dialcored's agent SIP interface (REGISTER, calls to the handsets)\n"
         "  --listen HOST:PORT   our handsets' SIP (UDP) address (default 127.0.0.1:0); the first\n"
         "                       stdout line is `listen HOST:PORT` with the bound port\n"
         "  --expires S          REGISTER expiry asked for (default 60; refreshed before it)\n"
         "  --duration-s S       end after S seconds (default: at SIGTERM/SIGINT)\n"
         "  --seed N             the draws (wrap codes and times, pauses) (default 1)\n"
         "  --wrap-codes SPEC    code:weight,... or a YAML file (default sale)\n"
         "  --wrap-s MIN[:MAX]   wrap time drawn per call, seconds (default 1:3)\n"
         "  --pause-prob P       chance of a pause after each wrap and at the start (default 0)\n"
         "  --pay-prob P         chance of starting a payment (DTMF masking) on a call (default 0)\n"
         "  --pause-s MIN[:MAX]  pause length, seconds (default 2:5)\n"
         "  --pause-reasons L    reasons drawn from (default break)\n"
         "  --no-api-answer      do not POST /floor/calls/answer on an offered call\n"
         "  --voice MODE         floor login voice: call_me (default), call_in, default (the agent's own)\n"
         "  --non-persistent     ask for a non-persistent voice connection\n"
         "  --audio SRC          what the handsets send: speech (default), tone, or a WAV file\n"
         "  --capture-dir DIR    write what each handset call heard as DIR/LOGIN-N.wav\n"
         "  --max-talk-s S       hang up (BYE) a handset call after S seconds (default: never)\n"
         "  --codecs LIST        answer preference (default PCMU,PCMA,telephone-event)\n"
         "  --json               end with one JSON line of the summary\n"
         "  --verbose            one line per event on stderr\n";
}

namespace {

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool parse_range(const std::string& text, Range& out) {
  const auto parts = split_list(text, ':');
  if (parts.empty() || parts.size() > 2) return false;
  if (!parse_double(parts[0], out.min)) return false;
  out.max = out.min;
  if (parts.size() == 2 && !parse_double(parts[1], out.max)) return false;
  return out.min >= 0 && out.max >= out.min;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot open");
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

std::vector<AgentAccount> parse_agents(const std::string& text) {
  std::vector<AgentAccount> out;
  std::string all = text;
  for (char& c : all) {
    if (c == '\n') c = ',';
  }
  for (std::string entry : split_list(all)) {
    entry = trim(entry);
    if (entry.empty() || entry.front() == '#') continue;
    const auto f = split_list(entry, ':');
    if (f.size() < 3 || f.size() > 4 || f[0].empty() || f[1].empty() || f[2].empty()) {
      throw std::runtime_error("agent '" + entry + "': login:sip_user:password[:api_password] expected");
    }
    AgentAccount a{f[0], f[1], f[2], f.size() == 4 ? f[3] : f[2]};
    for (const auto& seen : out) {
      if (seen.login == a.login || seen.sip_user == a.sip_user) {
        throw std::runtime_error("agent '" + entry + "': login or SIP user listed twice");
      }
    }
    out.push_back(std::move(a));
  }
  if (out.empty()) throw std::runtime_error("no agents given");
  return out;
}

std::vector<WeightedCode> parse_wrap_codes(const std::string& spec) {
  std::vector<WeightedCode> out;
  const bool file = spec.find(':') == std::string::npos || std::filesystem::exists(spec);
  if (file && std::filesystem::exists(spec)) {
    YAML::Node root;
    try {
      root = YAML::Load(read_file(spec));
    } catch (const YAML::Exception& e) {
      throw std::runtime_error(spec + ": " + e.what());
    }
    if (root.IsMap()) {
      for (const auto& kv : root) {
        WeightedCode c{kv.first.as<std::string>(), 0};
        try {
          c.weight = kv.second.as<double>();
        } catch (const YAML::Exception&) {
          throw std::runtime_error(spec + ": " + c.code + ": a number (the weight) expected");
        }
        out.push_back(c);
      }
    } else if (root.IsSequence()) {
      for (const auto& n : root) out.push_back({n.as<std::string>(), 1});
    } else {
      throw std::runtime_error(spec + ": a map code: weight or a list of codes expected");
    }
  } else {
    for (const std::string& entry : split_list(spec)) {
      const auto f = split_list(entry, ':');
      WeightedCode c{f.empty() ? "" : trim(f[0]), 1};
      if (c.code.empty() || f.size() > 2 || (f.size() == 2 && !parse_double(f[1], c.weight))) {
        throw std::runtime_error("wrap code '" + entry + "': code[:weight] expected");
      }
      out.push_back(c);
    }
  }
  double total = 0;
  for (const auto& c : out) {
    if (!(c.weight >= 0)) throw std::runtime_error("wrap code " + c.code + ": a negative weight");
    total += c.weight;
  }
  if (out.empty() || !(total > 0)) throw std::runtime_error("wrap codes: none with a weight above 0");
  return out;
}

std::optional<Options> parse_options(int argc, char** argv, std::string& message, bool& help) {
  Options o;
  bool agents_given = false;
  auto flag = [&](const std::string& arg) {
    if (arg == "--json") { o.json = true; return true; }
    if (arg == "--verbose") { o.verbose = true; return true; }
    if (arg == "--no-api-answer") { o.api_answer = false; return true; }
    if (arg == "--non-persistent") { o.persistent = false; return true; }
    return false;
  };
  auto option = [&](const std::string& arg, const std::string& v) -> std::string {
    if (arg == "--agents") {
      o.agents = parse_agents(!v.empty() && v.front() == '@' ? read_file(v.substr(1)) : v);
      agents_given = true;
    } else if (arg == "--api") {
      if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) return "http://HOST:PORT expected";
      o.api = v;
    } else if (arg == "--sip" || arg == "--listen") {
      const auto hp = parse_host_port(v);
      if (!hp) return "HOST:PORT expected";
      (arg == "--sip" ? o.sip_host : o.listen_host) = hp->host;
      (arg == "--sip" ? o.sip_port : o.listen_port) = hp->port;
      if (arg == "--sip" && hp->port == 0) return "a port expected";
    } else if (arg == "--expires") {
      if (!parse_num(v, o.register_expires_s) || o.register_expires_s < 10) return "seconds (>= 10) expected";
    } else if (arg == "--duration-s" || arg == "--duration") {
      if (!parse_double(v, o.duration_s) || o.duration_s < 0) return "seconds expected";
    } else if (arg == "--seed") {
      if (!parse_num(v, o.seed)) return "an unsigned integer expected";
    } else if (arg == "--wrap-codes") {
      o.wrap_codes = parse_wrap_codes(v);
    } else if (arg == "--wrap-s") {
      if (!parse_range(v, o.wrap_s)) return "MIN[:MAX] seconds expected";
    } else if (arg == "--pay-prob") {
      if (!parse_double(v, o.pay_prob) || o.pay_prob < 0 || o.pay_prob > 1) return "a probability 0..1 expected";
    } else if (arg == "--pause-prob") {
      if (!parse_double(v, o.pause_prob) || o.pause_prob < 0 || o.pause_prob > 1) return "a probability 0..1 expected";
    } else if (arg == "--pause-s") {
      if (!parse_range(v, o.pause_s)) return "MIN[:MAX] seconds expected";
    } else if (arg == "--pause-reasons") {
      o.pause_reasons = split_list(v);
      if (o.pause_reasons.empty()) return "a reason expected";
    } else if (arg == "--voice") {
      if (v != "call_me" && v != "call_in" && v != "default") return "call_me, call_in or default expected";
      o.voice_mode = v;
    } else if (arg == "--audio") {
      o.audio = v;
    } else if (arg == "--capture-dir") {
      o.capture_dir = v;
    } else if (arg == "--max-talk-s") {
      if (!parse_double(v, o.max_talk_s) || o.max_talk_s < 0) return "seconds expected";
    } else if (arg == "--codecs") {
      o.codecs = split_list(v);
    } else {
      return "unknown option";
    }
    return "";
  };
  if (!walk_args(argc, argv, usage(), message, help, flag, option)) return std::nullopt;
  if (!agents_given) {
    message = "--agents is required\n" + usage();
    return std::nullopt;
  }
  if (o.api.empty() && o.sip_host.empty()) {
    message = "--api or --sip (or both) is required\n" + usage();
    return std::nullopt;
  }
  return o;
}

}  // namespace dialcore::sim::agents
