// Checks across items and sections: unique ids, references that must name something that
// exists (queue → team), and rules that need more than one section.
#include "config/sections.hpp"

#include <map>

namespace dialcore::config::detail {

namespace {

std::string item(const char* list, std::size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

// Reports every repeat of an id; returns the ids for reference checks.
template <typename T, typename Key>
std::vector<std::string> unique_ids(Diagnostics& diag, const std::vector<T>& items,
                                    const char* list, const char* field, Key key) {
  std::vector<std::string> ids;
  std::map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& id = key(items[i]);
    if (id.empty()) continue;
    if (auto [it, fresh] = first.emplace(id, i); !fresh) {
      diag.error_at(item(list, i) + "." + field,
                    "duplicate " + std::string(field) + " '" + id + "' (also " +
                        item(list, it->second) + ", line " +
                        std::to_string(diag.where(item(list, it->second)).line) + ")");
    }
    ids.push_back(id);
  }
  return ids;
}

void ref(Diagnostics& diag, const std::string& path, const std::string& value,
         const std::vector<std::string>& ids, const char* what) {
  if (value.empty()) return;
  for (const auto& id : ids)
    if (id == value) return;
  diag.error_at(path, "unknown " + std::string(what) + " '" + value + "'" + suggestion(value, ids));
}

void refs(Diagnostics& diag, const std::string& path, const std::vector<std::string>& values,
          const std::vector<std::string>& ids, const char* what) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    ref(diag, path + "[" + std::to_string(i) + "]", values[i], ids, what);
  }
}

}  // namespace

void check_references(const Config& c, Diagnostics& diag) {
  const auto interfaces =
      unique_ids(diag, c.sip.interfaces, "sip.interfaces", "name",
                 [](const SipInterface& x) -> const std::string& { return x.name; });
  const auto trunks = unique_ids(diag, c.sip.trunks, "sip.trunks", "id",
                                 [](const SipTrunk& x) -> const std::string& { return x.id; });
  unique_ids(diag, c.pause_reasons, "pause_reasons", "code",
             [](const PauseReason& x) -> const std::string& { return x.code; });
  const auto wraps = unique_ids(diag, c.wrap_codes, "wrap_codes", "code",
                                [](const WrapCode& x) -> const std::string& { return x.code; });
  unique_ids(diag, c.wrap_codes, "wrap_codes", "hotkey",
             [](const WrapCode& x) -> const std::string& { return x.hotkey; });
  const auto teams = unique_ids(diag, c.teams, "teams", "id",
                                [](const Team& x) -> const std::string& { return x.id; });
  const auto queues = unique_ids(diag, c.queues, "queues", "id",
                                 [](const Queue& x) -> const std::string& { return x.id; });
  const auto campaigns = unique_ids(diag, c.campaigns, "campaigns", "id",
                                    [](const Campaign& x) -> const std::string& { return x.id; });
  unique_ids(diag, c.agents, "agents", "username",
             [](const SeedAgent& x) -> const std::string& { return x.username; });

  for (std::size_t i = 0; i < c.sip.trunks.size(); ++i) {
    const SipTrunk& t = c.sip.trunks[i];
    const std::string path = item("sip.trunks", i) + ".interface";
    ref(diag, path, t.interface, interfaces, "sip interface");
    for (const auto& iface : c.sip.interfaces) {
      if (iface.name == t.interface && iface.role != SipRole::Trunk) {
        diag.error_at(path, "interface '" + t.interface + "' has role agent, not trunk");
      }
    }
  }

  std::size_t auto_pause = 0;
  for (const auto& p : c.pause_reasons) auto_pause += p.auto_pause ? 1 : 0;
  if (!c.pause_reasons.empty() && auto_pause != 1) {
    diag.error_at("pause_reasons", "exactly one pause reason needs auto_pause: true (found " +
                                       std::to_string(auto_pause) + ")");
  }

  std::map<std::string, std::size_t> did_owner;
  for (std::size_t i = 0; i < c.queues.size(); ++i) {
    const Queue& q = c.queues[i];
    const std::string path = item("queues", i);
    refs(diag, path + ".teams", q.teams, teams, "team");
    refs(diag, path + ".wrap_codes", q.wrap_codes, wraps, "wrap code");
    ref(diag, path + ".overflow_queue", q.overflow_queue, queues, "queue");
    if (q.overflow_queue == q.id && !q.id.empty()) {
      diag.error_at(path + ".overflow_queue", "a queue cannot overflow to itself");
    }
    for (std::size_t d = 0; d < q.dids.size(); ++d) {
      if (auto [it, fresh] = did_owner.emplace(q.dids[d], i); !fresh) {
        diag.error_at(path + ".dids[" + std::to_string(d) + "]",
                      "DID " + q.dids[d] + " already routes to " + item("queues", it->second));
      }
    }
  }

  ref(diag, "organisation.agent_phone_trunk", c.organisation.agent_phone_trunk, trunks, "trunk");
  for (std::size_t d = 0; d < c.organisation.call_in_numbers.size(); ++d) {
    const std::string& n = c.organisation.call_in_numbers[d];
    if (const auto it = did_owner.find(n); it != did_owner.end()) {
      diag.error_at("organisation.call_in_numbers[" + std::to_string(d) + "]",
                    "DID " + n + " already routes to " + item("queues", it->second));
    }
  }

  for (std::size_t i = 0; i < c.campaigns.size(); ++i) {
    const Campaign& k = c.campaigns[i];
    const std::string path = item("campaigns", i);
    refs(diag, path + ".teams", k.teams, teams, "team");
    ref(diag, path + ".queue", k.queue, queues, "queue");
    ref(diag, path + ".trunk", k.trunk, trunks, "sip trunk");
    refs(diag, path + ".wrap.codes", k.wrap_codes, wraps, "wrap code");
    const auto& allowed = k.wrap_codes.empty() ? wraps : k.wrap_codes;
    ref(diag, path + ".wrap.auto_wrap_code", k.auto_wrap_code, allowed,
        k.wrap_codes.empty() ? "wrap code" : "wrap code of this campaign");
  }

  for (std::size_t i = 0; i < c.agents.size(); ++i) {
    const SeedAgent& a = c.agents[i];
    const std::string path = item("agents", i);
    refs(diag, path + ".teams", a.teams, teams, "team");
    refs(diag, path + ".queues", a.queues, queues, "queue");
    for (std::size_t j = 0; j < a.campaigns.size(); ++j) {
      ref(diag, path + ".campaigns[" + std::to_string(j) + "].id", a.campaigns[j].campaign,
          campaigns, "campaign");
    }
  }
}

}  // namespace dialcore::config::detail
