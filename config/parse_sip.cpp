// sip: interfaces (trunk side, agent side), carrier trunks and timers (issue 7).
#include "config/sections.hpp"
#include "config/values.hpp"

namespace dialcore::config::detail {

namespace {

void parse_interface(MapReader& in, SipInterface& out) {
  checked_text(in, "name", out.name, check_identifier, Need::Required);
  in.choice("role", out.role, {{"trunk", SipRole::Trunk}, {"agent", SipRole::Agent}},
            Need::Required);
  in.choice("transport", out.transport, {{"udp", SipTransport::Udp}, {"tcp", SipTransport::Tcp}});
  bool any = false;
  in.each_text("listen", [&](const std::string& text, const std::string& path) {
    any = true;
    std::string why;
    if (auto endpoint = parse_endpoint(text, why)) {
      out.listen.push_back(*endpoint);
    } else {
      in.diag().error_at(path, why);
    }
  });
  if (!any) {
    in.diag().error_at(in.key_path("listen"), "needs at least one address:port");
  }
}

void parse_trunk(MapReader& in, SipTrunk& out) {
  checked_text(in, "id", out.id, check_identifier, Need::Required);
  in.text("interface", out.interface, Need::Required);
  checked_text(in, "proxy", out.proxy, check_sip_uri, Need::Required);
  checked_text(in, "registrar", out.registrar, check_sip_uri);
  if (auto auth = in.map("auth")) {
    TrunkAuth a;
    auth->text("username", a.username, Need::Required);
    auth->text("password", a.password, Need::Required);
    auth->text("realm", a.realm);
    auth->done();
    out.auth = a;
  }
  checked_text(in, "cli", out.cli, check_phone_number);
  in.choice("privacy", out.privacy, {{"none", Privacy::None}, {"id", Privacy::Id}});
  in.integer("max_calls", out.max_calls, 1, 100000);
  in.integer("max_cps", out.max_cps, 1, 10000);
  in.choice("srtp", out.srtp,
            {{"off", SrtpPolicy::Off},
             {"optional", SrtpPolicy::Optional},
             {"required", SrtpPolicy::Required}});
  static const std::vector<std::string> kCodecs = {"PCMU", "PCMA", "G729", "opus",
                                                   "telephone-event"};
  std::vector<std::string> codecs;
  bool any = false;
  in.each_text("codecs", [&](const std::string& name, const std::string& path) {
    any = true;
    bool known = false;
    for (const auto& k : kCodecs) known = known || k == name;
    if (known) {
      codecs.push_back(name);
    } else {
      in.diag().error_at(path, "unknown codec '" + name +
                                   "' (known: PCMU, PCMA, G729, opus, "
                                   "telephone-event)" +
                                   suggestion(name, kCodecs));
    }
  });
  if (any) out.codecs = codecs;
}

}  // namespace

void parse_sip(MapReader& in, Sip& out) {
  in.maps("interfaces", [&](MapReader& item, std::size_t) {
    parse_interface(item, out.interfaces.emplace_back());
  });
  in.maps("trunks",
          [&](MapReader& item, std::size_t) { parse_trunk(item, out.trunks.emplace_back()); });
  if (auto timers = in.map("timers")) {
    timers->integer("t1_ms", out.timers.t1_ms, 100, 10000);
    timers->integer("invite_timeout_s", out.timers.invite_timeout_s, 5, 600);
    timers->integer("session_expires_s", out.timers.session_expires_s, 0, 86400);
    if (out.timers.session_expires_s != 0 && out.timers.session_expires_s < 90) {
      timers->diag().error_at(timers->key_path("session_expires_s"),
                              "must be 0 (off) or at least 90 (RFC 4028 Min-SE)");
    }
    timers->integer("register_expires_s", out.timers.register_expires_s, 60, 86400);
    timers->integer("register_min_expires_s", out.timers.register_min_expires_s, 1, 3600);
    if (out.timers.register_min_expires_s > out.timers.register_expires_s) {
      timers->diag().error_at(timers->key_path("register_min_expires_s"),
                              "must not exceed register_expires_s");
    }
    timers->done();
  }
  in.text("realm", out.realm);
  if (out.realm.empty() || out.realm.find_first_of("\"\\\r\n") != std::string::npos) {
    in.diag().error_at(in.key_path("realm"), "must be non-empty, without quotes or backslashes");
  }
  in.done();
}

}  // namespace dialcore::config::detail
