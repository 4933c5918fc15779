#pragma once
// EventHub: the floor's event streams (Server-Sent Events). Every event gets the next id of
// one sequence and is kept in a bounded ring (the oldest goes first), so a client that
// reconnects with Last-Event-ID gets what it missed, filtered like its live stream; when what
// it missed has already left the ring it gets a `replay_gap` event first (refetch the state).
// Subscribers are the transport's sinks: send() only queues, never blocks; a sink that refuses
// a frame (its client is too slow, its queue is full) is dropped and closed. Control thread only.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dialcore::control::floor {

struct FloorEvent {
  std::uint64_t id = 0;
  std::string type;                 // the SSE event name: state, call, assist, payment, ...
  std::int64_t agent = 0;           // the agent concerned, 0 none
  std::vector<std::int64_t> teams;  // the agent's teams (supervisor filters)
  std::string frame;                // "id: N\nevent: type\ndata: {json}\n\n"
};

// Who sees what: an agent its own events; a supervisor every agent's, or one team's.
struct StreamFilter {
  bool supervisor = false;
  std::int64_t agent = 0;
  std::optional<std::int64_t> team;
  bool matches(const FloorEvent& e) const;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Queues one frame; false when the client cannot take it (then the hub drops the sink).
  virtual bool send(std::string_view frame) = 0;
  virtual void close() = 0;  // ends the stream (the hub dropped it)
};

class EventHub {
 public:
  explicit EventHub(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // `data_json` is one line of JSON (Boost.JSON's serialize never emits a raw newline).
  std::uint64_t publish(std::string_view type, std::int64_t agent,
                        const std::vector<std::int64_t>& teams, const std::string& data_json);
  // Replays the buffered events after `last_event_id` (when given) through `sink`, then
  // streams live ones. Returns the subscription id (0: the sink refused the replay; closed).
  std::uint64_t subscribe(const StreamFilter& filter, std::shared_ptr<EventSink> sink,
                          std::optional<std::uint64_t> last_event_id);
  void unsubscribe(std::uint64_t subscription);

  std::size_t subscribers() const { return subs_.size(); }
  std::uint64_t last_id() const { return next_id_ - 1; }
  std::uint64_t dropped_clients() const { return dropped_; }
  const std::deque<FloorEvent>& buffered() const { return ring_; }

 private:
  struct Sub {
    StreamFilter filter;
    std::shared_ptr<EventSink> sink;
  };
  std::size_t capacity_;
  std::deque<FloorEvent> ring_;
  std::map<std::uint64_t, Sub> subs_;
  std::uint64_t next_id_ = 1;
  std::uint64_t next_sub_ = 1;
  std::uint64_t dropped_ = 0;
};

}  // namespace dialcore::control::floor
