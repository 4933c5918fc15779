#pragma once
// The API's requests and answers, independent of the transport: the Beast server (server.cpp)
// fills an ApiRequest and writes the ApiResponse; the router and the resources never see Beast,
// so they compile fast and are easy to drive.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace dialcore::control::api {

struct ApiRequest {
  std::string method;                                     // "GET", "POST", "PATCH", "DELETE"
  std::string path;                                       // "/api/v1/agents/7", without the query
  std::map<std::string, std::string, std::less<>> query;  // decoded ?k=v&...
  std::string authorization;                              // the Authorization header as sent
  std::string content_type;
  std::string body;
  std::string client;  // remote address, for login rate limiting
  std::string last_event_id;  // the Last-Event-ID header (event streams), "" when absent
};

// The server's side of a long-lived answer: frames are queued and written in order; send()
// never blocks and answers false when the connection is gone or its queue is over the limit
// (the server then closes it). Control thread only.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual bool send(std::string_view bytes) = 0;
  virtual void close() = 0;  // after the queued bytes
};

// A Server-Sent Events answer (text/event-stream): the server writes the headers, then calls
// open() with its sink; closed() once when the connection ends (client gone, dropped, or the
// server stopping), never from a destructor.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  virtual void open(std::shared_ptr<StreamSink> sink) = 0;
  virtual void closed() = 0;
  virtual std::size_t max_queue_bytes() const = 0;
};

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  unsigned retry_after_s = 0;  // 429: sent as Retry-After
  std::shared_ptr<ResponseStream> stream = {};  // set: an event stream instead of `body`
};

// Splits "/path?a=1&b=x%20y" into path and decoded parameters; false on bad percent escapes or
// a repeated parameter.
bool parse_target(std::string_view target, ApiRequest& out);

}  // namespace dialcore::control::api
