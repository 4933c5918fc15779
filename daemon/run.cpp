#include "daemon/run.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>
#include <system_error>

#include "config/config_diff.hpp"
#include "config/loader.hpp"
#include "control/agents/agent_service.hpp"
#include "control/api/router.hpp"
#include "control/api/server.hpp"
#include "control/api/slow_lane.hpp"
#include "control/appliance/appliance.hpp"
#include "control/history/call_history.hpp"
#include "control/history/recovery.hpp"
#include "control/store/sqlite_store.hpp"
#include "daemon/dataplane_setup.hpp"
#include "daemon/history_setup.hpp"
#include "daemon/prompt_setup.hpp"
#include "daemon/recording_setup.hpp"
#include "daemon/seed.hpp"
#include "daemon/sip_setup.hpp"
#include "daemon/thread_cpu.hpp"

namespace dialcore::daemon {

namespace {

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

control::api::LiveSettings live_settings(const config::Config& c) {
  control::api::LiveSettings s;
  s.admin_token = c.api.admin_token;
  s.supervisor_token = c.api.supervisor_token;  // the file's, else DIALCORE_SUPERVISOR_TOKEN
  s.max_body_bytes = c.api.max_body_bytes;
  s.login_max_attempts = c.api.login_max_attempts;
  s.login_window_s = c.api.login_window_s;
  return s;
}

void log(const char* fmt, const std::string& a) {
  std::fprintf(stderr, fmt, a.c_str());
  std::fflush(stderr);
}

}  // namespace

int run(const config::Config& initial, const std::string& config_file) {
  config::Config current = initial;
  if (current.store.backend != config::StoreBackend::Sqlite) {
    std::fputs("dialcored: only the sqlite store is implemented\n", stderr);
    return 1;
  }
  // What can fail without touching the data directory fails first.
  std::unique_ptr<boost::asio::ssl::context> tls;
  if (current.api.tls) {
    std::string why;
    tls =
        control::api::Server::load_tls(current.api.tls->cert_file, current.api.tls->key_file, why);
    if (!tls) {
      log("dialcored: %s\n", why);
      return 1;
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(current.data_dir, ec);
  if (ec) {
    log("dialcored: cannot create data directory: %s\n", current.data_dir + ": " + ec.message());
    return 1;
  }
  control::store::SqliteOptions opts;
  opts.path = config::resolve_data_path(current, current.store.sqlite_path);
  opts.sip_realm = current.sip.realm;  // migration 4 hashes old plain SIP passwords with it
  auto opened = control::store::open_sqlite_store(opts);
  if (!opened) {
    log("dialcored: cannot open the store: %s\n", opts.path + ": " + opened.error().message);
    return 1;
  }
  auto& store = **opened;
  // Close what a crash left open (CDRs, attempts, leads in progress) before anything else runs.
  auto recovered = control::history::recover(store, wall_ms());
  if (!recovered) {
    log("dialcored: start-up recovery failed: %s\n", recovered.error().message);
    return 1;
  }
  if (recovered->cdrs_closed + recovered->attempts_closed + recovered->leads_released > 0) {
    log("dialcored: recovered after an unclean stop: %s\n",
        std::to_string(recovered->cdrs_closed) + " CDRs closed, " +
            std::to_string(recovered->attempts_closed) + " attempts closed, " +
            std::to_string(recovered->leads_released) + " leads released");
  }
  // The call history writes on its own thread and its own connection (WAL: the API's reads go
  // on meanwhile), so the control thread never waits for a commit (control/history/README.md).
  auto history_store = control::store::open_sqlite_store(opts);
  if (!history_store) {
    log("dialcored: cannot open the store: %s\n", opts.path + ": " + history_store.error().message);
    return 1;
  }
  control::history::WriterOptions history_options;
  history_options.on_rejected = [](const control::history::Rejected& r) {
    log("dialcored: call history: report refused: %s\n",
        std::string(control::history::to_string(r.kind)) + " " + r.call_id + "/" + r.leg + ": " +
            r.error.message);
  };
  control::history::CallHistory history(**history_store, {}, history_options);
  control::agents::AgentService agents(store, security_policy(current));

  const SeedReport seed = seed_if_empty(current, store, agents, wall_ms());
  if (seed.seeded)
    log("dialcored: seeded the empty store: %s rows\n", std::to_string(seed.created));
  for (const auto& e : seed.errors) log("dialcored: seed: %s\n", e);

  if (current.api.admin_token.empty()) {
    std::fputs(
        "dialcored: warning: no admin token (api.admin_token or DIALCORE_ADMIN_TOKEN); "
        "admin routes answer 401\n",
        stderr);
  }

  // The dataplane: worker threads first (a core that does not exist fails start-up here), then
  // control's MediaService over their rings.
  control::media::MediaSettings media_config = media_settings(current.dataplane);
  if (media_config.addresses.empty()) {
    std::fputs("dialcored: dataplane.addresses: no usable address\n", stderr);
    return 1;
  }
  // Prompts and recorders before the workers that use them (daemon/README.md, "Start").
  const PromptSetup prompts(current);
  RecordingSetup recording(current);
  if (auto why = recording.start(current.dataplane.workers.size())) {
    log("dialcored: recording: %s\n", *why);
    return 1;
  }
  // Finished recordings become store rows (daemon/recording_setup_index.hpp).
  recording.index_into(history, store, wall_ms);
  dataplane::RuntimeSettings dp_settings = runtime_settings(current.dataplane);
  dp_settings.prompts = &prompts.library();
  dp_settings.recorders = recording.producers();

  const DataplaneProcess dataplane_process;  // EAL released after the runtime
  dataplane::RuntimeError dp_error;
  std::unique_ptr<dataplane::Runtime> runtime = dataplane::Runtime::start(dp_settings, dp_error);
  if (!runtime) {
    log("dialcored: dataplane: %s\n",
        std::string(dataplane::to_string(dp_error.code)) + ": " + dp_error.message);
    return 1;
  }
  {
    std::string cores;
    for (int c : current.dataplane.workers) {
      if (!cores.empty()) cores += ',';
      cores += std::to_string(c);  // appended in two steps: GCC 12's -Wrestrict misfires on "," + s
    }
    log("dialcored: %s\n", "dataplane: " + std::to_string(runtime->worker_count()) +
                               (runtime->dpdk() ? " dpdk" : " socket") + " workers on cores " + cores +
                               (current.dataplane.pin_workers ? " (pinned)" : " (unpinned)") +
                               ", RTP ports " + std::to_string(current.dataplane.rtp_port_first) +
                               "-" + std::to_string(current.dataplane.rtp_port_last) +
                               (runtime->dpdk() ? "; " + runtime->backend_description() : ""));
  }

  boost::asio::io_context io(1);
  std::vector<dataplane::WorkerRings*> rings;
  for (std::size_t i = 0; i < runtime->worker_count(); ++i) rings.push_back(&runtime->rings(i));
  control::media::MediaService media(io, rings, media_config);
  control::api::Router router(store, agents, wall_ms);
  router.metrics().add_source(
      [&](std::string& out) { render_dataplane_metrics(out, *runtime, media); });
  router.metrics().add_source(
      [&](std::string& out) { render_history_metrics(out, history.stats()); });
  router.metrics().add_source([](std::string& out) { render_thread_cpu(out); });
  // Recording state events to the call owner (recording.set_event_handler), recorder metrics.
  recording.poll_events_on(io);
  router.metrics().add_source([&](std::string& out) { recording.render_metrics(out); });
  router.metrics().add_source([&](std::string& out) { prompts.render_metrics(out); });
  // SIP after the dataplane and MediaService (a call it takes needs legs), before the API says
  // it is up. Not configured (no sip.interfaces): no SIP thread at all.
  std::unique_ptr<SipSetup> sip;
  if (!current.sip.interfaces.empty()) {
    sip = std::make_unique<SipSetup>(io, current.sip);
    if (auto error = sip->start()) {
      log("dialcored: sip: %s\n", *error);
      return 1;
    }
    router.metrics().add_source([&](std::string& out) { sip->render_metrics(out); });
  }
  // The appliance (control/appliance): the B2BUA, one runner per active campaign, the agent
  // floor and its routes. It needs SIP: without sip.interfaces the floor routes answer 404.
  std::unique_ptr<control::appliance::Appliance> appliance;
  const std::function<std::optional<std::uint32_t>(const std::string&)> prompt_clip =
      [&prompts](const std::string& name) { return prompts.clip(name); };
  if (sip) {
    control::appliance::ApplianceDeps deps{io,     sip->stack(), media, &history,
                                           store,  agents,       wall_ms, prompt_clip};
    appliance = std::make_unique<control::appliance::Appliance>(std::move(deps), current);
    sip->set_handler([&](const control::sip::SipEvent& e) { appliance->on_sip_event(e); });
    appliance->attach(router);
    router.metrics().add_source([&](std::string& out) { appliance->render_metrics(out); });
  }
  // The registrar checks handsets against HA1 snapshots from the store (never passwords): one
  // now, and again every 5 s so agents added or changed through the API can register.
  boost::asio::steady_timer credentials_timer(io);
  std::function<void()> push_credentials = [&] {
    if (!sip) return;
    if (auto creds = agents.sip_credentials()) {
      std::vector<control::sip::AgentCredential> snapshot;
      for (auto& c : *creds) snapshot.push_back({std::move(c.username), std::move(c.ha1)});
      sip->set_agent_credentials(std::move(snapshot));
    }
    credentials_timer.expires_after(std::chrono::seconds(5));
    credentials_timer.async_wait([&](const boost::system::error_code& wait_error) {
      if (!wait_error) push_credentials();
    });
  };
  push_credentials();
  router.apply(live_settings(current));
  // Password hashing off the control thread: its own thread and store connection.
  control::api::SlowLane lane(io, opts, security_policy(current));
  router.set_offload([&lane](control::api::SlowWork work, std::function<void()> then) {
    lane.run(std::move(work), std::move(then));
  });
  control::api::Server server(io, router);
  std::string error;
  if (tls) server.use_tls(std::move(tls));
  if (!server.listen(current.api.listen.address, current.api.listen.port, error)) {
    log("dialcored: %s\n", error);
    return 1;
  }
  std::function<void()> after_calls;
  boost::asio::signal_set stop_signals(io, SIGINT, SIGTERM);
  stop_signals.async_wait([&](const boost::system::error_code& e, int sig) {
    if (e) return;
    log("dialcored: signal %s: stopping\n", std::to_string(sig));
    // In order: no new requests; SIP (BYE/CANCEL to calls still up, bounded to 3 s); every leg
    // destroyed (bounded by the reply timeout); workers stopped and joined (bounded); the call
    // history drained to the store (bounded); then the control thread; the store closes last.
    server.stop();
    credentials_timer.cancel();
    // Calls first: the runners stop dialling and every call is ended with its CDRs (bounded
    // inside the appliance), then SIP, the legs, the workers and the history as before.
    after_calls = [&] {
      if (sip) {
        sip->stop();
        log("dialcored: %s\n", std::string("sip: stopped"));
      }
      media.shutdown([&] {
        if (!runtime->stop()) {
          std::fputs("dialcored: a dataplane worker did not stop within 2 s; exiting\n", stderr);
          std::_Exit(1);
        }
        recording.stop();  // after the workers: no producer is in use any more
        if (!history.stop(std::chrono::seconds(10))) {
          log("dialcored: call history: %s\n", std::to_string(history.stats().lost) +
                                                  " reports could not be written (store error)");
        }
        io.stop();
      });
    };
    if (appliance) {
      appliance->stop([&] {
        log("dialcored: %s\n", std::string("calls: ended"));
        after_calls();
      });
    } else {
      after_calls();
    }
  });
  // One reload for SIGHUP and POST /api/v1/config/reload: read the file again, apply the live
  // keys, keep the running values of restart keys until a restart, say which is which.
  auto reload = [&](const std::string& who) {
    control::api::ReloadOutcome out;
    const auto r = config_file.empty() ? config::load_default() : config::load_file(config_file);
    if (!r.ok()) {
      for (const auto& err : r.errors) {
        log("dialcored: reload refused: %s\n", to_string(err));
        out.errors.push_back({err.key, to_string(err)});
      }
      return out;
    }
    out.ok = true;
    const config::ConfigDiff d = config::diff(current, *r.config);
    log("dialcored: reload requested by %s\n", who);
    for (const auto& k : d.live) log("dialcored: reload: applied %s\n", k);
    for (const auto& k : d.restart) log("dialcored: reload: %s changed; needs a restart\n", k);
    if (d.empty()) log("dialcored: reload: %s\n", std::string("no changes"));
    out.applied = d.live;
    out.needs_restart = d.restart;
    router.apply(live_settings(*r.config));
    if (appliance) appliance->apply(*r.config);
    media.set_rtp_timeout_ms(r.config->dataplane.no_rtp_timeout_ms);
    // recording.* but cores: the recordings that start from now on (daemon/recording_setup.hpp).
    // A folder that cannot be made keeps the running settings (logged by RecordingSetup).
    recording.apply(*r.config);
    // Keys that need a restart keep their running values until then.
    config::Config next = *r.config;
    next.data_dir = current.data_dir;
    next.store = current.store;
    next.api.listen = current.api.listen;
    next.api.tls = current.api.tls;
    next.dataplane = current.dataplane;  // workers, ports, sizes: restart keys
    next.dataplane.no_rtp_timeout_ms = r.config->dataplane.no_rtp_timeout_ms;  // live
    next.recording.cores = current.recording.cores;  // recorder threads: a restart key
    current = std::move(next);
    return out;
  };
  router.set_reload(reload);
  boost::asio::signal_set hup(io, SIGHUP);
  std::function<void()> wait_hup = [&] {
    hup.async_wait([&](const boost::system::error_code& e, int) {
      if (e) return;
      reload("SIGHUP");
      wait_hup();
    });
  };
  wait_hup();

  // Announced only once the signal handlers are installed: a supervisor (or a test)
  // that sends SIGHUP right after this line must not kill us with the default action.
  const auto ep = server.local_endpoint();
  const std::string where =
      ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
  std::printf("api listening on %s:%u%s\n", where.c_str(), static_cast<unsigned>(ep.port()),
              current.api.tls ? " (tls)" : "");
  std::fflush(stdout);

  io.run();
  log("dialcored: %s\n", std::string("stopped"));
  return 0;
}

}  // namespace dialcore::daemon
