#include "daemon/prompt_setup.hpp"

#include <samplerate.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

// The built-in default abandon message, config/prompts/abandon.wav, in dialcored's read-only data
// (DIALCORE_DEFAULT_ABANDON_WAV is its path, from daemon/CMakeLists.txt).
asm(".pushsection .rodata.dialcore_prompts,\"a\"\n"
    ".balign 16\n"
    ".hidden dialcore_default_abandon_wav\n"
    ".global dialcore_default_abandon_wav\n"
    "dialcore_default_abandon_wav:\n"
    ".incbin \"" DIALCORE_DEFAULT_ABANDON_WAV
    "\"\n"
    ".hidden dialcore_default_abandon_wav_end\n"
    ".global dialcore_default_abandon_wav_end\n"
    "dialcore_default_abandon_wav_end:\n"
    ".popsection\n");
extern "C" const std::byte dialcore_default_abandon_wav[];
extern "C" const std::byte dialcore_default_abandon_wav_end[];

namespace dialcore::daemon {

namespace {

// libsndfile's message without its closing full stop (it goes inside a longer line).
std::string sf_reason(SNDFILE* file) {
  std::string why = sf_strerror(file);
  while (!why.empty() && (why.back() == '.' || why.back() == '\n')) why.pop_back();
  return why;
}

void warn(const std::string& text) {
  std::fprintf(stderr, "dialcored: prompts: warning: %s\n", text.c_str());
  std::fflush(stderr);
}

struct SfClose {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SfFile = std::unique_ptr<SNDFILE, SfClose>;

// What libsndfile reads from memory (SF_VIRTUAL_IO).
struct MemoryFile {
  std::span<const std::byte> bytes;
  sf_count_t pos = 0;
};

sf_count_t mem_length(void* user) {
  return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes.size());
}
sf_count_t mem_seek(sf_count_t offset, int whence, void* user) {
  auto* m = static_cast<MemoryFile*>(user);
  const sf_count_t size = static_cast<sf_count_t>(m->bytes.size());
  const sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : size;
  m->pos = std::clamp<sf_count_t>(base + offset, 0, size);
  return m->pos;
}
sf_count_t mem_read(void* out, sf_count_t count, void* user) {
  auto* m = static_cast<MemoryFile*>(user);
  const sf_count_t n = std::min(count, static_cast<sf_count_t>(m->bytes.size()) - m->pos);
  if (n <= 0) return 0;
  std::memcpy(out, m->bytes.data() + m->pos, static_cast<std::size_t>(n));
  m->pos += n;
  return n;
}
sf_count_t mem_write(const void*, sf_count_t, void*) { return 0; }
sf_count_t mem_tell(void* user) { return static_cast<MemoryFile*>(user)->pos; }

// Mono at kPromptRateHz from an open file. Allocates (start-up only).
DecodedPrompt decode(SNDFILE* file, const SF_INFO& info) {
  DecodedPrompt out;
  if (info.channels < 1 || info.samplerate < 4000 || info.samplerate > 192000) {
    out.error = "unsupported layout (" + std::to_string(info.channels) + " channels, " +
                std::to_string(info.samplerate) + " Hz)";
    return out;
  }
  if (info.frames <= 0) {
    out.error = "no audio in the file";
    return out;
  }
  if (info.frames > sf_count_t{kMaxPromptSeconds} * info.samplerate) {
    out.error = "longer than " + std::to_string(kMaxPromptSeconds) + " s";
    return out;
  }
  const auto frames = static_cast<std::size_t>(info.frames);
  const auto channels = static_cast<std::size_t>(info.channels);
  std::vector<float> interleaved(frames * channels);
  const sf_count_t got = sf_readf_float(file, interleaved.data(), info.frames);
  if (got <= 0) {
    out.error = "cannot decode the audio: " + sf_reason(file);
    return out;
  }
  std::vector<float> mono(static_cast<std::size_t>(got));
  for (std::size_t i = 0; i < mono.size(); ++i) {
    float sum = 0;
    for (std::size_t c = 0; c < channels; ++c) sum += interleaved[i * channels + c];
    mono[i] = sum / static_cast<float>(channels);
  }
  if (static_cast<std::uint32_t>(info.samplerate) != kPromptRateHz) {
    const double ratio = static_cast<double>(kPromptRateHz) / info.samplerate;
    std::vector<float> resampled(
        static_cast<std::size_t>(std::ceil(static_cast<double>(mono.size()) * ratio)) + 64);
    SRC_DATA d{};
    d.data_in = mono.data();
    d.input_frames = static_cast<long>(mono.size());
    d.data_out = resampled.data();
    d.output_frames = static_cast<long>(resampled.size());
    d.src_ratio = ratio;
    if (const int rc = src_simple(&d, SRC_SINC_MEDIUM_QUALITY, 1); rc != 0) {
      out.error = std::string("cannot resample to 16 kHz: ") + src_strerror(rc);
      return out;
    }
    resampled.resize(static_cast<std::size_t>(d.output_frames_gen));
    mono = std::move(resampled);
  }
  out.pcm.reserve(mono.size());
  for (const float s : mono) {
    out.pcm.push_back(
        static_cast<std::int16_t>(std::lround(std::clamp(s, -1.0f, 1.0f) * 32767.0f)));
  }
  if (out.pcm.empty()) out.error = "no audio in the file";
  return out;
}

}  // namespace

std::span<const std::byte> default_abandon_wav() {
  const auto begin = reinterpret_cast<std::uintptr_t>(dialcore_default_abandon_wav);
  const auto end = reinterpret_cast<std::uintptr_t>(dialcore_default_abandon_wav_end);
  return {dialcore_default_abandon_wav, static_cast<std::size_t>(end - begin)};
}

DecodedPrompt decode_prompt_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {{}, "no such file"};
  if (!std::filesystem::is_regular_file(path, ec)) return {{}, "not a regular file"};
  SF_INFO info{};
  SfFile file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file) return {{}, "not a sound file libsndfile can read: " + sf_reason(nullptr)};
  return decode(file.get(), info);
}

DecodedPrompt decode_prompt_bytes(std::span<const std::byte> bytes) {
  MemoryFile m{bytes, 0};
  SF_VIRTUAL_IO io{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  SF_INFO info{};
  SfFile file(sf_open_virtual(&io, SFM_READ, &info, &m));
  if (!file) return {{}, "not a sound file libsndfile can read: " + sf_reason(nullptr)};
  return decode(file.get(), info);
}

std::uint32_t PromptSetup::add(std::vector<std::int16_t> pcm) {
  const auto id = static_cast<std::uint32_t>(clips_ + 1);
  if (!library_.add(id, kPromptRateHz, std::move(pcm))) return 0;
  ++clips_;
  return id;
}

PromptSetup::PromptSetup(const config::Config& config) {
  DecodedPrompt builtin = decode_prompt_bytes(default_abandon_wav());
  if (builtin.error.empty()) {
    default_abandon_ = add(std::move(builtin.pcm));
  } else {
    failures_.push_back("the built-in abandon message: " + builtin.error);
    warn(failures_.back());
  }
  struct Loaded {
    std::uint32_t id = 0;
    std::string error;
  };
  std::map<std::string, Loaded> by_path;  // each file decoded once
  const auto load = [&](const std::string& path) -> const Loaded& {
    auto it = by_path.find(path);
    if (it == by_path.end()) {
      DecodedPrompt p = decode_prompt_file(path);
      Loaded l;
      l.error = std::move(p.error);
      if (l.error.empty()) {
        l.id = add(std::move(p.pcm));
        if (l.id == 0) l.error = "refused by the prompt library";
      }
      it = by_path.emplace(path, std::move(l)).first;
    }
    return it->second;
  };
  for (const config::Campaign& c : config.campaigns) {
    if (c.abandon_message.empty()) {
      ++campaigns_on_default_;
      continue;
    }
    const std::string path = config::resolve_data_path(config, c.abandon_message);
    const Loaded& l = load(path);
    if (l.id != 0) {
      campaign_abandon_[c.id] = l.id;
    } else {
      failures_.push_back("campaign " + c.id + ": abandon_message " + path + ": " + l.error);
      warn(failures_.back() + "; the campaign plays the built-in default");
      ++campaigns_on_default_;
    }
  }
  // amd.on_machine message: the message left after the beep. No default: a campaign whose file
  // fails hangs up on machines (counted by its port) and the failure is logged here.
  for (const config::Campaign& c : config.campaigns) {
    if (c.amd.message_prompt.empty()) continue;
    const std::string path = config::resolve_data_path(config, c.amd.message_prompt);
    const Loaded& l = load(path);
    if (l.id != 0) {
      campaign_machine_[c.id] = l.id;
    } else {
      failures_.push_back("campaign " + c.id + ": amd.message_prompt " + path + ": " + l.error);
      warn(failures_.back() + "; machines are hung up without a message");
    }
  }
  std::fprintf(stderr,
               "dialcored: prompts: %zu clips loaded (built-in abandon message %s, %zu campaigns "
               "with their own, %zu on the default), beep tone\n",
               clips_, default_abandon_ != 0 ? "ok" : "missing", campaign_abandon_.size(),
               campaigns_on_default_);
  std::fflush(stderr);
}

std::optional<std::uint32_t> PromptSetup::clip(const std::string& name) const {
  if (name == "beep") return static_cast<std::uint32_t>(dataplane::ToneClip::AgentBeep);
  const auto fallback = [this]() -> std::optional<std::uint32_t> {
    if (default_abandon_ == 0) return std::nullopt;
    return default_abandon_;
  };
  if (name == "abandon") return fallback();
  if (name.starts_with("machine:")) {
    const auto it = campaign_machine_.find(name.substr(8));
    if (it == campaign_machine_.end()) return std::nullopt;
    return it->second;
  }
  if (name.starts_with("abandon:")) {
    const auto it = campaign_abandon_.find(name.substr(8));
    return it != campaign_abandon_.end() ? std::optional<std::uint32_t>(it->second) : fallback();
  }
  return std::nullopt;
}

void PromptSetup::render_metrics(std::string& out) const {
  const auto gauge = [&out](const char* name, const char* help, std::size_t v) {
    out += std::string("# HELP ") + name + " " + help + ".\n# TYPE " + name + " gauge\n" + name +
           " " + std::to_string(v) + "\n";
  };
  gauge("dialcore_prompts_clips", "prompt clips loaded at start-up", clips_);
  gauge("dialcore_prompts_load_failures", "prompt files that could not be used (logged)",
        failures_.size());
  gauge("dialcore_prompts_campaigns_on_default", "campaigns playing the built-in abandon message",
        campaigns_on_default_);
}

}  // namespace dialcore::daemon
