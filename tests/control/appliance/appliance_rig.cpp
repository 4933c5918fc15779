#include "appliance_rig.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <thread>

#include "control/sip/asio_event_sink.hpp"
#include "tests/control/calls/call_rig.hpp"
#include "tests/control/sip/agent_scenarios.hpp"
#include "tests/dataplane/runtime/runtime_control.hpp"

namespace dialcore::test {

using namespace dialcore::control;
namespace sc = scenarios;

namespace {

std::vector<std::int16_t> tone_pcm(int ms) {  // the "information message" and the beep: 440 Hz
  std::vector<std::int16_t> pcm(static_cast<std::size_t>(8 * ms));
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    pcm[i] = static_cast<std::int16_t>(8000.0 * std::sin(2.0 * M_PI * 440.0 * double(i) / 8000.0));
  }
  return pcm;
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

config::Config make_config(const ApplianceOptions& o) {
  config::Config c;
  c.sip = test_sip_config(kApplCarrierPort);
  c.organisation.require_pause_reason = false;
  c.pause_reasons = {{"auto", "Auto", false, false, true, 0}, {"login", "Login", false, false, false, 0},
                     {"break", "Break", false, false, false, 0}};
  c.wrap_codes = {{"sale", "Sale", config::WrapOutcome::CompleteNumber, ""},
                  {"later", "Call later", config::WrapOutcome::Retry, ""}};
  config::Campaign k;
  k.id = "spring";
  k.name = "Spring";
  k.trunk = "carrier";
  k.dialler.strategy =
      o.strategy == "power" ? config::DialStrategy::Power : config::DialStrategy::Progressive;
  k.dialler.lines_per_agent = o.lines_per_agent;
  k.calling_window_start = "00:00";
  k.calling_window_end = "24:00";  // any time of the day the test runs
  k.record = o.record;
  k.amd.enabled = o.amd;
  k.amd.on_machine = o.on_machine == "message" ? config::MachineAction::Message
                     : o.on_machine == "agent" ? config::MachineAction::Agent
                                               : config::MachineAction::Hangup;
  if (k.amd.on_machine == config::MachineAction::Message) k.amd.message_prompt = "machine.wav";
  k.cli = "442071234567";
  c.campaigns.push_back(k);
  if (o.queue) {
    c.teams = {{"support", "Support"}};
    config::Queue q;
    q.id = "help";
    q.name = "Help";
    q.teams = {"support"};
    q.dids = {kQueueDid};
    q.ring_timeout_s = o.ring_timeout_s;
    q.wrap_s = 0;
    c.queues.push_back(q);
  }
  c.organisation.call_in_numbers = {kCallInDid};
  return c;
}

}  // namespace

std::int64_t event_at(const store::Cdr& c, const std::string& type) {
  const boost::json::value events = boost::json::parse(c.events_json);
  for (const auto& e : events.as_array()) {
    if (e.as_object().at("type").as_string() == type) {
      return e.as_object().at("at_ms").to_number<std::int64_t>();
    }
  }
  return -1;
}

ApplianceRig::ApplianceRig(ApplianceOptions o) : options(std::move(o)) {
  enter_private_netns();  // before any thread
  REQUIRE(prompts.add(kAbandonClip, 8000, tone_pcm(1000)));
  REQUIRE(prompts.add(kBeepClip, 8000, tone_pcm(150)));
  REQUIRE(prompts.add(kMachineClip, 8000, tone_pcm(1500)));
  dataplane::RuntimeSettings rs = test_settings(1);
  rs.legs_per_worker = 64;
  rs.rtp_ports = test_port_range(256);
  rs.pool_packets = 2048;
  rs.prompts = &prompts;
  if (options.recorder) {  // as dialcored does (daemon/run.cpp): recorders before the workers
    config::Config rc;
    rc.data_dir = dir.path().string();
    rc.dataplane.pin_workers = false;
    rc.recording.flush_interval_ms = 100;
    recording = std::make_unique<daemon::RecordingSetup>(rc);
    REQUIRE_FALSE(recording->start(1).has_value());
    rs.recorders = recording->producers();
  }
  dataplane::RuntimeError error;
  runtime = dataplane::Runtime::start(rs, error);
  INFO(error.message);
  REQUIRE(runtime != nullptr);

  media::MediaSettings ms;
  ms.addresses = {dataplane::NetAddress::v4(127, 0, 0, 1, 0)};
  media = std::make_unique<media::MediaService>(
      io, std::vector<dataplane::WorkerRings*>{&runtime->rings(0)}, ms);

  store = open_store(dir.file("appliance.db"));
  world = seed_world(*store, options.leads);
  history_store = open_store(dir.file("appliance.db"));
  history = std::make_unique<history::CallHistory>(*history_store);
  if (recording) {  // its rows go through the history; its events polled on the control thread
    recording->index_into(*history, *store, wall_ms);
    recording->poll_events_on(io);
  }
  const agents::SecurityPolicy policy;
  agent_service = std::make_unique<agents::AgentService>(*store, policy);

  config = make_config(options);
  std::int64_t support_team = 0;
  if (options.queue) {
    store::Team t;
    t.name = "Support";
    REQUIRE(store->teams().create(t, kAdmin).ok());
    support_team = t.id;
  }
  std::vector<sip::AgentCredential> credentials;
  for (int i = 0; i < options.agents; ++i) {
    store::Agent a = sample_agent("agent" + std::to_string(i));
    for (const int s : options.support_agents) {
      if (s == i && support_team != 0) a.teams.push_back(support_team);
    }
    a.sip_username = "ext10" + std::to_string(i + 1);
    a.default_phone = a.sip_username;
    a.campaigns = {{world.campaign, store::Priority::Medium}};
    REQUIRE(store->agents().create(a, kAdmin).ok());
    agents.push_back(a.id);
    credentials.push_back(
        {a.sip_username, md5_hex(a.sip_username + ":" + config.sip.realm + ":pw" +
                                 std::to_string(i))});
  }

  sip = std::make_unique<sip::SipStack>(config.sip, sip::asio_event_sink(io, [this](sip::SipEvent e) {
                                          if (appliance) appliance->on_sip_event(e);
                                        }));
  appl::ApplianceDeps deps{io, *sip, *media, history.get(), *store, *agent_service, wall_ms,
                           [this](const std::string& name) -> std::optional<std::uint32_t> {
                             ++prompt_lookups;
                             if (name == "abandon") return kAbandonClip;
                             if (name == "beep") return kBeepClip;
                             if (name == "machine:spring") return kMachineClip;
                             return std::nullopt;  // no campaign-specific message: the fallback
                           }};
  appliance = std::make_unique<appl::Appliance>(std::move(deps), config);
  const auto failed = sip->start();
  INFO(failed.value_or(""));
  REQUIRE_FALSE(failed);
  REQUIRE(sip->set_agent_credentials(credentials));
  handsets_port = sip->interface("handsets")->port;
}

ApplianceRig::~ApplianceRig() {
  bool stopped = false;
  if (appliance) appliance->stop([&] { stopped = true; });
  run_until([&] { return stopped; }, std::chrono::seconds(6));
  if (sip) sip->stop();
  run_for(std::chrono::milliseconds(100));
  appliance.reset();
  if (recording) {  // workers joined first, then the recorders, while the history still lives
    runtime->stop();
    recording->stop();
  }
}

void ApplianceRig::carrier(const std::string& xml, int calls) {
  carrier_ = std::make_unique<Sipp>(
      dir, sipp_args(write_scenario(dir, "carrier", xml), kApplCarrierPort, kApplCarrierMedia,
                     calls));
  const bool bound = wait_udp_bound(kApplCarrierPort);
  INFO(carrier_->log());
  REQUIRE(bound);
}

void ApplianceRig::handset(int i, const std::string& xml, int calls) {
  const std::string user = "ext10" + std::to_string(i + 1);
  const auto port = static_cast<std::uint16_t>(kHandsetBase + i);
  // 1. REGISTER with digest from the handset's port (the registrar latches that address).
  {
    std::vector<std::string> args = {
        "-sf", write_scenario(dir, "register" + std::to_string(i),
                              sc::wrap(sc::register_once(user, sc::contact(user) + "Expires: 3600\n",
                                                         "200")))};
    for (const char* a : {"-i", "127.0.0.1", "-nostdin", "-timeout", "20s", "-timeout_error"}) {
      args.emplace_back(a);
    }
    args.insert(args.end(), {"-au", user, "-ap", "pw" + std::to_string(i), "-p",
                             std::to_string(port), "-m", "1",
                             "127.0.0.1:" + std::to_string(handsets_port)});
    Sipp reg(dir, args);
    int status = -2;
    std::thread waiter([&] { status = reg.wait(std::chrono::seconds(20)); });
    while (status == -2) run_for(std::chrono::milliseconds(5));
    waiter.join();
    INFO(reg.log());
    REQUIRE(status == 0);
  }
  // 2. The same port answers our calls (RTP echoed).
  std::vector<std::string> args =
      sipp_args(write_scenario(dir, "handset" + std::to_string(i), xml), port,
                static_cast<std::uint16_t>(kHandsetMediaBase + 10 * i), calls);
  args.emplace_back("-rtp_echo");
  handsets_.push_back(std::make_unique<Sipp>(dir, args));
  const bool bound = wait_udp_bound(port);
  INFO(handsets_.back()->log());
  REQUIRE(bound);
}

void ApplianceRig::caller(int i, const std::string& xml) {
  std::vector<std::string> args = sipp_args(
      write_scenario(dir, "caller" + std::to_string(i), xml),
      static_cast<std::uint16_t>(kCallerBase + i),
      static_cast<std::uint16_t>(kCallerMediaBase + 10 * i), 1);
  args.emplace_back("127.0.0.1:" + std::to_string(sip->interface("carriers")->port));
  callers_.push_back(std::make_unique<Sipp>(dir, args));
}

void ApplianceRig::set_pin(int i, const std::string& pin) {
  auto a = store->agents().get(agents[static_cast<std::size_t>(i)]);
  REQUIRE(a.ok());
  a->sip_ha1 = md5_hex(a->sip_username + ":" + config.sip.realm + ":" + pin);
  REQUIRE(store->agents().update(*a, kAdmin).ok());
}

void ApplianceRig::login(int i, bool persistent, floor::VoiceMode mode) {
  floor::VoiceRequest voice;
  voice.mode = mode;
  voice.persistent = persistent;
  voice.phone = "ext10" + std::to_string(i + 1);
  const auto r = appliance->floor().login(agents[static_cast<std::size_t>(i)], voice);
  INFO(r.code + " " + r.message);
  REQUIRE(r.ok());
}

bool ApplianceRig::run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  return run_io_until(io, done, limit);
}

void ApplianceRig::run_for(std::chrono::milliseconds d) {
  run_until([] { return false; }, d);
}

bool ApplianceRig::passed(std::vector<std::unique_ptr<Sipp>>& sipps) {
  bool all = true;
  for (auto& sipp : sipps) {
    int status = -2;
    std::thread waiter([&] { status = sipp->wait(std::chrono::seconds(30)); });
    while (status == -2) run_for(std::chrono::milliseconds(5));  // its last messages need us
    waiter.join();
    all = all && status == 0;
  }
  return all;
}

bool ApplianceRig::callers_passed() { return passed(callers_); }
bool ApplianceRig::handsets_passed() { return passed(handsets_); }

std::unique_ptr<store::Store> ApplianceRig::reader() {
  REQUIRE(history->flush(std::chrono::seconds(10)));
  return open_store(dir.file("appliance.db"));
}

std::string ApplianceRig::sipp_logs() const {
  std::string s = carrier_ ? "carrier:\n" + carrier_->log() : std::string();
  for (const auto& h : handsets_) s += "\nhandset:\n" + h->log();
  for (const auto& c : callers_) s += "\ncaller:\n" + c->log();
  return s;
}

}  // namespace dialcore::test
