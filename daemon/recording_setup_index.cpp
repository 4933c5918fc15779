#include "daemon/recording_setup_index.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>

#include "dataplane/recording/path_template.hpp"
#include "dataplane/recording/sidecar.hpp"

namespace dialcore::daemon {

namespace rec = dataplane::recording;
namespace store = control::store;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kGiveUpMs = 60'000;  // an expected sidecar not found by then: dropped
// Stand-ins for the values the call history does not know; they sanitise to themselves.
constexpr std::string_view kAnyCampaign = "dialcoreANYcampaign";
constexpr std::string_view kAnyAgent = "dialcoreANYagent";

std::int64_t mtime_ns(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

std::int64_t file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<std::int64_t>(st.st_size);
}

std::string glob_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Appends rather than std::string::replace (GCC 12's -Wrestrict false positive on replace).
std::string replace_all(const std::string& s, std::string_view what, std::string_view with) {
  std::string out;
  std::size_t from = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, from)) {
    out.append(s, from, at - from);
    out.append(with);
    from = at + what.size();
  }
  out.append(s, from, std::string::npos);
  return out;
}

std::vector<std::string> glob_files(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  return out;
}

}  // namespace

std::string recording_row_state(std::string_view status) {
  if (status == "recording") return "";
  if (status == "complete") return "complete";
  if (status == "repaired") return "repaired";
  if (status == "disk_full") return "truncated_disk_full";
  if (status == "too_large") return "truncated_too_large";
  if (status == "interrupted") return "interrupted";
  return "failed";  // write_error, or a status this build does not know
}

store::Recording recording_row(const rec::IndexEntry& entry, std::string_view leg) {
  const rec::Sidecar& m = entry.meta;
  store::Recording r;
  r.call_id = m.call_id;
  r.leg = leg;
  r.campaign = m.campaign;
  r.agent = m.agent;
  r.path = entry.audio_path;
  r.format = rec::to_string(m.format);
  r.started_at_ms = static_cast<std::int64_t>(m.start_unix_ms);
  r.duration_ms = static_cast<std::int64_t>(m.ms(m.frames));
  r.ended_at_ms = r.started_at_ms + r.duration_ms;
  r.size_bytes = file_size(entry.audio_path);
  r.state = recording_row_state(m.status);
  r.sha256 = m.sha256;
  boost::json::array markers;
  for (const rec::Marker& k : m.markers) {
    markers.push_back(boost::json::object{{"kind", rec::to_string(k.kind)},
                                          {"offset_ms", m.ms(k.offset_frames)},
                                          {"text", k.text}});
    if (k.kind == rec::MarkerKind::Tag && !k.text.empty())
      r.tags += (r.tags.empty() ? "" : ",") + k.text;
  }
  r.markers_json = boost::json::serialize(markers);
  return r;
}

RecordingIndex::RecordingIndex(std::string root, std::string path_template, Sink sink)
    : root_(std::move(root)), template_(std::move(path_template)), sink_(std::move(sink)) {}

void RecordingIndex::set_layout(std::string root, std::string path_template) {
  root_ = std::move(root);
  template_ = std::move(path_template);
}

std::vector<std::string> RecordingIndex::find_sidecars(std::string_view call_id,
                                                       std::int64_t at_ms) const {
  return find_in(root_, template_, call_id, at_ms);
}

std::vector<std::string> RecordingIndex::find_in(const std::string& root,
                                                 const std::string& path_template,
                                                 std::string_view call_id, std::int64_t at_ms) const {
  rec::RecordingStart start;
  rec::copy_text(start.call_id, call_id);
  rec::copy_text(start.campaign, kAnyCampaign);
  rec::copy_text(start.agent, kAnyAgent);
  start.start_unix_ms = static_cast<std::uint64_t>(std::max<std::int64_t>(at_ms, 0));
  // The call history knows neither the campaign nor the queue: both positions are wildcards.
  const std::string layout = replace_all(path_template, "{queue}", "{campaign}");
  const std::string base = glob_escape(rec::recording_base_path(root, layout, start));
  return glob_files(replace_all(replace_all(base, kAnyCampaign, "*"), kAnyAgent, "*") + ".json");
}

void RecordingIndex::expect(std::string_view call_id, std::string_view leg, std::int64_t at_ms) {
  ++stats_.expected;
  // Reported again for the same call (stopped and started by the agent): one expectation.
  for (const Expected& e : pending_) {
    if (e.call_id == call_id && e.leg == leg) return;
  }
  pending_.push_back(Expected{std::string(call_id), std::string(leg), at_ms, root_, template_, {}, -1});
}

bool RecordingIndex::settle(Expected& e, std::int64_t now_ms) {
  if (e.sidecar.empty()) {
    // The start time the recorder used comes a moment before the report: the day before too.
    for (std::int64_t at : {e.at_ms, e.at_ms - kDayMs}) {
      auto found = find_in(e.root, e.path_template, e.call_id, at);
      if (!found.empty()) {
        e.sidecar = found.front();
        break;
      }
    }
    if (e.sidecar.empty()) {
      if (now_ms - e.at_ms < kGiveUpMs) return false;
      ++stats_.unresolved;
      return true;
    }
  }
  const std::int64_t m = mtime_ns(e.sidecar);
  if (m < 0 || m == e.seen_mtime_ns) return false;  // unchanged since the last look
  e.seen_mtime_ns = m;
  auto meta = rec::read_sidecar(e.sidecar);
  if (!meta || recording_row_state(meta->status).empty()) return false;
  rec::IndexEntry entry;
  entry.sidecar_path = e.sidecar;
  entry.audio_path = (std::filesystem::path(e.sidecar).parent_path() / meta->audio_file).string();
  entry.meta = std::move(*meta);
  sink_(recording_row(entry, e.leg));
  ++stats_.rows;
  return true;
}

void RecordingIndex::scan(std::int64_t now_ms) {
  ++stats_.scans;
  std::erase_if(pending_, [&](Expected& e) { return settle(e, now_ms); });
}

std::size_t RecordingIndex::index_existing(store::Store& s) {
  // What the store has, by path (paged by id: the index may be large).
  std::map<std::string, store::Recording> known;
  std::int64_t after = 0;
  for (;;) {
    store::Query q;
    q.all.push_back({"id", store::Match::AtLeast, after + 1});
    q.limit = 10'000;
    auto page = s.recordings().list(q);
    if (!page || page->empty()) break;
    after = page->back().id;
    for (auto& r : *page) known.emplace(r.path, std::move(r));
  }
  std::size_t reported = 0;
  for (const rec::IndexEntry& entry : rec::rebuild_index(root_)) {
    if (recording_row_state(entry.meta.status).empty()) continue;  // still being written
    store::Recording row = recording_row(entry, "a");
    const auto it = known.find(row.path);
    if (it != known.end()) {
      const store::Recording& k = it->second;
      if (k.state == row.state && k.duration_ms == row.duration_ms &&
          k.size_bytes == row.size_bytes) {
        continue;
      }
      row.leg = k.leg;  // the leg the call owner named when it was indexed
    }
    sink_(row);
    ++reported;
  }
  stats_.at_start += reported;
  stats_.rows += reported;
  return reported;
}

}  // namespace dialcore::daemon
