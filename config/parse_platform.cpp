// dataplane, recording, store and api: the sections that shape the process.
#include "config/sections.hpp"
#include "config/values.hpp"

namespace dialcore::config::detail {

void checked_text(MapReader& in, const char* key, std::string& out,
                  std::string (*check)(const std::string&), Need need) {
  std::string value;
  in.text(key, value, need);
  if (value.empty()) return;
  if (std::string why = check(value); !why.empty()) {
    in.diag().error_at(in.key_path(key), why);
  } else {
    out = value;
  }
}

namespace {

std::vector<int> read_cores(MapReader& in, const char* key, std::vector<int> cores) {
  in.integers(key, cores, 0, 1023);
  if (cores.empty()) in.diag().error_at(in.key_path(key), "needs at least one core");
  for (std::size_t i = 0; i < cores.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (cores[i] == cores[j]) {
        in.diag().error_at(in.key_path(key) + "[" + std::to_string(i) + "]",
                           "core " + std::to_string(cores[i]) + " is listed twice");
      }
    }
  }
  return cores;
}

}  // namespace

void parse_dataplane(MapReader& in, Dataplane& out) {
  in.choice("backend", out.backend, {{"socket", Backend::Socket}, {"dpdk", Backend::Dpdk}});
  out.workers = read_cores(in, "workers", out.workers);
  in.flag("pin_workers", out.pin_workers);
  in.integer("idle_sleep_us", out.idle_sleep_us, 0, 200);
  std::vector<std::string> addresses;
  bool any = false;
  in.each_text("addresses", [&](const std::string& text, const std::string& path) {
    any = true;
    if (std::string why = check_ip_address(text); !why.empty()) {
      in.diag().error_at(path, why);
    } else {
      addresses.push_back(text);
    }
  });
  if (any) out.addresses = addresses;
  if (out.addresses.empty()) in.diag().error_at(in.key_path("addresses"), "needs an address");
  in.integer("rtp_port_first", out.rtp_port_first, 1024, 65534);
  in.integer("rtp_port_last", out.rtp_port_last, 1025, 65535);
  if (out.rtp_port_first % 2 != 0) {
    in.diag().error_at(in.key_path("rtp_port_first"), "must be even (RTP even, RTCP odd)");
  }
  if (out.rtp_port_last <= out.rtp_port_first) {
    in.diag().error_at(in.key_path("rtp_port_last"), "must be above rtp_port_first");
  }
  in.integer("legs_per_worker", out.legs_per_worker, 16, 1 << 20);
  in.integer("no_rtp_timeout_ms", out.no_rtp_timeout_ms, 1000, 3600000);
  if (auto dpdk = in.map("dpdk")) parse_dpdk(*dpdk, out);
  if (out.backend == Backend::Dpdk) check_dpdk_addresses(in, out);
  in.done();
}

void parse_recording(MapReader& in, Recording& out) {
  out.cores = read_cores(in, "cores", out.cores);
  in.text("directory", out.directory);
  if (out.directory.empty()) in.diag().error_at(in.key_path("directory"), "must not be empty");
  checked_text(in, "path_layout", out.path_layout, check_path_layout);
  in.choice("format", out.format,
            {{"wav-stereo", RecordingFormat::WavStereo},
             {"wav-mono", RecordingFormat::WavMono},
             {"opus", RecordingFormat::Opus}});
  in.integer("sample_rate_hz", out.sample_rate_hz, 8000, 16000);
  if (out.sample_rate_hz != 8000 && out.sample_rate_hz != 16000) {
    in.diag().error_at(in.key_path("sample_rate_hz"), "must be 8000 or 16000");
  }
  in.integer("flush_interval_ms", out.flush_interval_ms, 20, 10000);
  std::string mode;
  in.text("file_mode", mode);
  if (!mode.empty()) {
    if (std::string why = parse_file_mode(mode, out.file_mode); !why.empty()) {
      in.diag().error_at(in.key_path("file_mode"), why);
    }
  }
  in.done();
}

void parse_store(MapReader& in, Store& out) {
  in.choice("backend", out.backend,
            {{"sqlite", StoreBackend::Sqlite}, {"postgres", StoreBackend::Postgres}});
  if (out.backend == StoreBackend::Postgres) {
    in.diag().error_at(in.key_path("backend"),
                       "postgres is not supported yet (the store speaks SQLite only)");
  }
  in.text("sqlite_path", out.sqlite_path);
  if (out.sqlite_path.empty()) in.diag().error_at(in.key_path("sqlite_path"), "must not be empty");
  std::string dsn;
  in.text("postgres_dsn", dsn);
  if (!dsn.empty()) {
    in.diag().error_at(in.key_path("postgres_dsn"), "postgres is not supported yet");
  }
  in.done();
}

void parse_api(MapReader& in, Api& out, const LoadOptions& options) {
  std::string listen;
  in.text("listen", listen);
  if (!listen.empty()) {
    std::string why;
    if (auto endpoint = parse_endpoint(listen, why)) {
      out.listen = *endpoint;
    } else {
      in.diag().error_at(in.key_path("listen"), why);
    }
  }
  if (auto tls = in.map("tls")) {
    Tls files;
    tls->text("cert_file", files.cert_file, Need::Required);
    tls->text("key_file", files.key_file, Need::Required);
    tls->done();
    out.tls = files;
  }
  in.text("admin_token", out.admin_token);
  if (!out.admin_token.empty() && out.admin_token.size() < 16) {
    in.diag().error_at(in.key_path("admin_token"), "is shorter than 16 characters");
  }
  if (out.admin_token.empty() && options.getenv) {
    if (auto env = options.getenv("DIALCORE_ADMIN_TOKEN"); env && !env->empty()) {
      out.admin_token = *env;
      out.admin_token_from_env = true;
    }
  }
  if (out.admin_token.empty()) {
    in.diag().warning(in.diag().where(in.key_path("admin_token")), in.key_path("admin_token"),
                      "not set and DIALCORE_ADMIN_TOKEN is empty: admin requests will be refused");
  }
  in.text("supervisor_token", out.supervisor_token);
  if (!out.supervisor_token.empty() && out.supervisor_token.size() < 16) {
    in.diag().error_at(in.key_path("supervisor_token"), "is shorter than 16 characters");
  }
  if (out.supervisor_token.empty() && options.getenv) {
    if (auto env = options.getenv("DIALCORE_SUPERVISOR_TOKEN"); env && !env->empty()) {
      out.supervisor_token = *env;
    }
  }
  if (!out.supervisor_token.empty() && out.supervisor_token == out.admin_token) {
    in.diag().error_at(in.key_path("supervisor_token"),
                       "is the admin token: give the supervisor role its own token");
  }
  in.integer("max_body_bytes", out.max_body_bytes, 1024, 64 << 20);
  if (auto login = in.map("login_rate_limit")) {
    login->integer("max_attempts", out.login_max_attempts, 1, 100000);
    login->integer("window_s", out.login_window_s, 1, 86400);
    login->done();
  }
  in.done();
}

}  // namespace dialcore::config::detail
