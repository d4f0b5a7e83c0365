#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace salon::net {

// A plain copy of what a handler needs from a request, so handlers never see Beast or Asio.
struct http_request {
  std::string method;
  std::string target;  // as received: path and query
  std::string path;    // raw (still percent-encoded), without the query
  std::string query;   // raw, without the '?'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::map<std::string, std::string> path_params;  // `{name}` segments, percent-decoded
  std::string remote_address;

  // The first header with that name, compared case-insensitively.
  std::optional<std::string_view> header(std::string_view name) const;
  // The first query parameter with that name, percent-decoded ('+' reads as a space).
  std::optional<std::string> query_param(std::string_view name) const;
};

struct http_response {
  unsigned status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Answers one request. Copies share one slot: the first send() of any copy wins, from any
// thread. If the last copy dies unanswered, a 500 goes out instead (and an error is logged), so
// a lost reply never leaves a client hanging.
class responder {
 public:
  using deliver_function = std::function<void(http_response)>;

  // The server builds responders; tests of handlers may build one around their own function.
  explicit responder(deliver_function deliver);

  // True when this call delivered the response; false when it had been sent already.
  bool send(http_response response) const;
  bool sent() const noexcept;

 private:
  class state;
  std::shared_ptr<state> state_;
};

// Runs on an I/O thread: it must not block. Long work goes elsewhere and answers through the
// responder later.
using http_handler = std::function<void(http_request, responder)>;

// Decodes %XX escapes; malformed escapes are kept as they are.
std::string percent_decode(std::string_view text, bool plus_as_space);

}  // namespace salon::net
