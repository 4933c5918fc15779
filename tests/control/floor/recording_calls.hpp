#pragma once
// A recording test double of CallControl: every request is logged as one line ("answer 1 7"),
// `fail_next` makes the next request fail, consults and manual calls get ids from 1000 up. The
// real implementation is the B2BUA (control/calls), wired after the merge.

#include <string>
#include <vector>

#include "control/floor/call_control.hpp"

namespace dialcore::test {

namespace fl = dialcore::control::floor;

class RecordingCalls final : public fl::CallControl {
 public:
  std::vector<std::string> log;
  bool fail_next = false;
  fl::CallId next_call = 1000;

  fl::CallResult connect_voice(fl::AgentId a, const fl::VoiceRequest& r) override {
    return note("connect_voice " + std::to_string(a) +
                (r.mode == fl::VoiceMode::CallMe ? " call_me " + r.phone : " call_in") +
                (r.persistent ? " persistent" : ""));
  }
  fl::CallResult disconnect_voice(fl::AgentId a) override {
    return note("disconnect_voice " + std::to_string(a));
  }
  fl::CallResult answer(fl::AgentId a, fl::CallId c) override { return note("answer", a, c); }
  fl::CallResult hang_up(fl::AgentId a, fl::CallId c) override { return note("hang_up", a, c); }
  fl::CallResult hold(fl::AgentId a, fl::CallId c, bool on) override {
    return note(on ? "hold" : "retrieve", a, c);
  }
  fl::CallResult mute(fl::AgentId a, fl::CallId c, bool on) override {
    return note(on ? "mute" : "unmute", a, c);
  }
  fl::CallResult blind_transfer(fl::AgentId a, fl::CallId c, const fl::TransferTarget& t) override {
    return note("blind_transfer " + std::to_string(a) + " " + std::to_string(c) + " " + t.value);
  }
  fl::CallResult consult(fl::AgentId a, fl::CallId held, const fl::TransferTarget& t) override {
    auto r = note("consult " + std::to_string(a) + " " + std::to_string(held) + " " + t.value);
    if (r.ok) r.call = next_call++;
    return r;
  }
  fl::CallResult complete_transfer(fl::AgentId a, fl::CallId h, fl::CallId c) override {
    return note("complete_transfer " + std::to_string(a) + " " + std::to_string(h) + " " +
                std::to_string(c));
  }
  fl::CallResult merge(fl::AgentId a, fl::CallId x, fl::CallId y) override {
    return note("merge " + std::to_string(a) + " " + std::to_string(x) + " " + std::to_string(y));
  }
  fl::CallResult leave(fl::AgentId a, bool terminate) override {
    return note(std::string(terminate ? "terminate " : "leave ") + std::to_string(a));
  }
  fl::CallResult manual_call(fl::AgentId a, std::int64_t campaign, const std::string& n) override {
    auto r = note("manual_call " + std::to_string(a) + " " + std::to_string(campaign) + " " + n);
    if (r.ok) r.call = next_call++;
    return r;
  }
  fl::CallResult recording(fl::AgentId a, fl::CallId c, fl::RecordingAction act,
                           const std::string& tag) override {
    return note("recording " + std::to_string(a) + " " + std::to_string(c) + " " +
                std::to_string(static_cast<int>(act)) + (tag.empty() ? "" : " " + tag));
  }
  fl::CallResult play_announcement(fl::AgentId a, fl::CallId c, const std::string& p) override {
    return note("announce " + std::to_string(a) + " " + std::to_string(c) + " " + p);
  }
  fl::CallResult mask_dtmf(fl::CallId c, bool on) override {
    return note(std::string(on ? "mask_on " : "mask_off ") + std::to_string(c));
  }

 private:
  fl::CallResult note(const std::string& what, fl::AgentId a, fl::CallId c) {
    return note(what + " " + std::to_string(a) + " " + std::to_string(c));
  }
  fl::CallResult note(std::string line) {
    if (fail_next) {
      fail_next = false;
      log.push_back("FAILED " + line);
      return fl::CallResult::fail("test_refusal");
    }
    log.push_back(std::move(line));
    return {};
  }
};

}  // namespace dialcore::test
