#include "dataplane/recording/path_template.hpp"

#include <ctime>

namespace dialcore::dataplane::recording {
namespace {

std::string sanitise(std::string_view v) {
  std::string out;
  for (const char c : v) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  if (out.empty()) return "none";
  if (out[0] == '.') out[0] = '_';
  return out;
}

std::string two(int v) {
  const char digits[3] = {static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10), 0};
  return digits;
}

}  // namespace

std::string recording_base_path(const std::string& root, const std::string& path_template,
                                const RecordingStart& start) {
  std::string path;
  const std::string_view explicit_path = text_of(start.path);
  if (!explicit_path.empty()) {
    path = std::string(explicit_path);
  } else {
    const std::time_t t = static_cast<std::time_t>(start.start_unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    for (std::size_t i = 0; i < path_template.size();) {
      const std::size_t close = path_template.find('}', i);
      if (path_template[i] == '{' && close != std::string::npos) {
        const std::string_view key(path_template.data() + i + 1, close - i - 1);
        if (key == "yyyy" || key == "year") path += std::to_string(tm.tm_year + 1900);
        else if (key == "mm" || key == "month") path += two(tm.tm_mon + 1);
        else if (key == "dd" || key == "day") path += two(tm.tm_mday);
        else if (key == "date")
          path += std::to_string(tm.tm_year + 1900) + "-" + two(tm.tm_mon + 1) + "-" + two(tm.tm_mday);
        else if (key == "campaign")
          path += sanitise(start.group == RecordingGroup::Campaign ? text_of(start.campaign) : "");
        else if (key == "queue")
          path += sanitise(start.group == RecordingGroup::Queue ? text_of(start.campaign) : "");
        else if (key == "call_id") path += sanitise(text_of(start.call_id));
        else if (key == "agent") path += sanitise(text_of(start.agent));
        else path += sanitise(key);
        i = close + 1;
      } else {
        path += path_template[i++];
      }
    }
  }
  if (!path.empty() && path[0] == '/') return path;
  return root + "/" + path;
}

}  // namespace dialcore::dataplane::recording
