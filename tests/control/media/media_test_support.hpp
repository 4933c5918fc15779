#pragma once
// Shared by the MediaService tests: running the io_context until a condition (bounded),
// settings on loopback, PCMU + telephone-event codecs, and synchronous wrappers.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <optional>

#include "control/media/media_service.hpp"

namespace dialcore::test::media {

using namespace dialcore::control::media;
using dataplane::ReplyStatus;

// Runs the io_context until `done()` or `limit` passes.
template <typename Pred>
bool run_until(boost::asio::io_context& io, Pred done,
               std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(std::chrono::milliseconds(2));
  }
  return done();
}

inline MediaSettings settings() {
  MediaSettings s;
  s.addresses = {dataplane::NetAddress::v4(127, 0, 0, 1, 0)};
  s.rtp_timeout_ms = 0;
  return s;
}

inline dataplane::CodecSpec spec(codecs::CodecId id, std::uint8_t pt) {
  dataplane::CodecSpec s;
  s.format.id = id;
  s.payload_type = pt;
  return s;
}

inline dataplane::SetCodecArgs pcmu_and_events() {
  dataplane::SetCodecArgs c;
  c.formats[0] = spec(codecs::CodecId::Pcmu, 0);
  c.formats[1] = spec(codecs::CodecId::TelephoneEvent, 101);
  c.count = 2;
  return c;
}

// Synchronous wrappers over the asynchronous calls, for a readable test.
struct Sync {
  boost::asio::io_context& io;
  MediaService& media;

  ReplyStatus wait(const std::function<void(Done)>& start) {
    std::optional<ReplyStatus> status;
    start([&](ReplyStatus s) { status = s; });
    REQUIRE(run_until(io, [&] { return status.has_value(); }));
    return *status;
  }
  Allocated allocate(const LegPlacement& where, EventHandler events) {
    std::optional<Allocated> got;
    media.allocate_leg(where, std::move(events), [&](const Allocated& a) { got = a; });
    REQUIRE(run_until(io, [&] { return got.has_value(); }));
    return *got;
  }
};

}  // namespace dialcore::test::media
