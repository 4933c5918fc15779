#include "call_rig.hpp"

#include "control/sip/asio_event_sink.hpp"
#include "tests/dataplane/runtime/runtime_control.hpp"

#include <thread>

namespace dialcore::test {

using namespace dialcore::control;

std::vector<std::string> sipp_args(const std::string& scenario, std::uint16_t port,
                                   std::uint16_t media_port, int calls) {
  std::vector<std::string> args = {"-sf", scenario};
  for (const char* a : {"-i", "127.0.0.1", "-nostdin", "-timeout", "60s", "-timeout_error"}) {
    args.emplace_back(a);
  }
  args.insert(args.end(), {"-p", std::to_string(port), "-mp", std::to_string(media_port), "-m",
                           std::to_string(calls)});
  return args;
}

CallRig::CallRig(RigOptions options) {
  enter_private_netns();  // before any thread
  dataplane::RuntimeSettings rs = test_settings(1);
  rs.legs_per_worker = options.legs_per_worker;
  rs.rtp_ports = test_port_range(256);
  rs.pool_packets = 2048;
  dataplane::RuntimeError error;
  runtime = dataplane::Runtime::start(rs, error);
  INFO(error.message);
  REQUIRE(runtime != nullptr);

  media::MediaSettings ms;
  ms.addresses = {dataplane::NetAddress::v4(127, 0, 0, 1, 0)};
  ms.rtp_timeout_ms = options.rtp_timeout_ms;
  media = std::make_unique<media::MediaService>(
      io, std::vector<dataplane::WorkerRings*>{&runtime->rings(0)}, ms);

  store = open_store(dir.file("calls.db"));
  world = seed_world(*store, 60);
  history = std::make_unique<history::CallHistory>(*store);

  config::Sip settings = test_sip_config(kCarrierPort);
  config::SipTrunk agents = settings.trunks.front();
  agents.id = "agents";
  agents.proxy = "sip:127.0.0.1:" + std::to_string(kAgentPort);
  agents.codecs = {"PCMU", "telephone-event"};
  settings.trunks.push_back(agents);
  settings.trunks.front().codecs = {"PCMA", "PCMU", "telephone-event"};
  settings.trunks.front().srtp = options.carrier_srtp;

  calls::CallSettings cs;
  cs.sip = settings;
  cs.call_id_prefix = "test";
  sip = std::make_unique<sip::SipStack>(settings, sip::asio_event_sink(io, [this](sip::SipEvent e) {
                                          if (controller) controller->on_sip_event(e);
                                        }));
  controller = std::make_unique<calls::CallController>(*sip, *media, history.get(), cs);
  const auto failed = sip->start();
  INFO(failed.value_or(""));
  REQUIRE_FALSE(failed);
  sip_port = sip->interface("carriers")->port;
}

CallRig::~CallRig() {
  if (sip) sip->stop();
  // The Ended events the stop posted reach the controller; then nothing is left in flight.
  run_until([this] { return controller->live_calls() == 0; }, std::chrono::seconds(3));
}

void CallRig::carrier(const std::string& xml, int calls) {
  carrier_ = std::make_unique<Sipp>(
      dir, sipp_args(write_scenario(dir, "carrier", xml), kCarrierPort, kCarrierMediaPort, calls));
  const bool bound = wait_udp_bound(kCarrierPort);
  INFO(carrier_->log());
  REQUIRE(bound);
}

void CallRig::agent(const std::string& xml, int calls) {
  std::vector<std::string> args =
      sipp_args(write_scenario(dir, "agent", xml), kAgentPort, kAgentMediaPort, calls);
  args.emplace_back("-rtp_echo");  // RTP in on -mp goes straight back to its sender
  agent_ = std::make_unique<Sipp>(dir, args);
  const bool bound = wait_udp_bound(kAgentPort);
  INFO(agent_->log());
  REQUIRE(bound);
}

Sipp& CallRig::caller(const std::string& xml, const std::string& did) {
  (void)did;
  std::vector<std::string> args =
      sipp_args(write_scenario(dir, "caller", xml), kCallerPort, kCallerMediaPort, 1);
  args.emplace_back("127.0.0.1:" + std::to_string(sip_port));
  caller_ = std::make_unique<Sipp>(dir, args);
  return *caller_;
}

std::string CallRig::caller_log() const { return caller_ ? caller_->log() : std::string(); }

namespace {
void sipp_passed(std::unique_ptr<Sipp>& sipp, boost::asio::io_context& io) {
  REQUIRE(sipp);
  // Keep serving the io_context while sipp finishes (its last messages need our answers).
  int status = -2;
  std::thread waiter([&] { status = sipp->wait(std::chrono::seconds(30)); });
  while (status == -2) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  waiter.join();
  INFO(sipp->log());
  CHECK(status == 0);
}
}  // namespace

void CallRig::carrier_passed() { sipp_passed(carrier_, io); }
void CallRig::agent_passed() { sipp_passed(agent_, io); }
void CallRig::caller_passed() { sipp_passed(caller_, io); }

bool run_io_until(boost::asio::io_context& io, const std::function<bool()>& done,
                  std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(std::chrono::milliseconds(2));
  }
  return done();
}

bool CallRig::run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  return run_io_until(io, done, limit);
}

void CallRig::run_for(std::chrono::milliseconds d) {
  run_until([] { return false; }, d);
}

calls::CallEventHandler CallRig::handler() {
  return [this](const calls::CallEvent& e) { all_events.push_back(e); };
}

calls::CallHandle CallRig::originate(const std::string& number) {
  calls::OriginateRequest r;
  r.trunk_id = "carrier";
  r.number = number;
  r.campaign_id = world.campaign;
  static std::size_t next_lead = 0;
  r.lead_id = world.leads[next_lead++ % world.leads.size()];
  const calls::CallHandle call = controller->originate(r, handler());
  REQUIRE(call != 0);
  return call;
}

calls::AgentTarget CallRig::agent_target(std::int64_t agent_id) {
  calls::AgentTarget t;
  t.agent_id = agent_id;
  t.address = "agent" + std::to_string(agent_id);
  t.codecs = {"PCMU", "telephone-event"};
  t.dial = [this, agent_id](std::string sdp) {
    return sip->dial({"agents", "agent" + std::to_string(agent_id), "", std::move(sdp)});
  };
  return t;
}

std::vector<calls::CallEvent> CallRig::events(calls::CallHandle call) const {
  std::vector<calls::CallEvent> out;
  for (const auto& e : all_events) {
    if (e.call == call) out.push_back(e);
  }
  return out;
}

std::vector<std::string> CallRig::kinds(calls::CallHandle call) const {
  std::vector<std::string> out;
  for (const auto& e : events(call)) out.emplace_back(calls::event_name(e.kind));
  return out;
}

std::optional<calls::CallEvent> CallRig::wait_event(calls::CallHandle call,
                                                    calls::CallEventKind kind,
                                                    std::chrono::milliseconds limit) {
  std::optional<calls::CallEvent> found;
  run_until(
      [&] {
        for (const auto& e : all_events) {
          if (e.call == call && e.kind == kind) {
            found = e;
            return true;
          }
        }
        return false;
      },
      limit);
  return found;
}

dataplane::LegStats CallRig::stats(calls::CallHandle call, calls::Side side) {
  const auto leg = controller->media_leg(call, side);
  REQUIRE(leg.has_value());
  std::optional<dataplane::LegStats> got;
  media->stats(*leg, [&](media::ReplyStatus s, const dataplane::LegStats& st) {
    REQUIRE(s == media::ReplyStatus::Ok);
    got = st;
  });
  REQUIRE(run_until([&] { return got.has_value(); }));
  return *got;
}

void CallRig::require_clean() {
  const bool drained = run_until([this] {
    return controller->live_calls() == 0 && controller->live_sip_legs() == 0 &&
           controller->live_media_legs() == 0 && sip->live_handles() == 0 && media->legs(0) == 0 &&
           media->in_flight(0) == 0;
  });
  INFO("calls " << controller->live_calls() << " sip legs " << controller->live_sip_legs()
                << " media legs " << controller->live_media_legs() << " handles "
                << sip->live_handles() << " worker legs " << media->legs(0));
  CHECK(drained);
  CHECK(runtime->snapshot(0).legs == 0);
  CHECK(controller->counters().teardown_errors == 0);
  CHECK(controller->counters().history_errors == 0);
}

}  // namespace dialcore::test
