#pragma once

namespace salon::net {

enum class shutdown_mode {
  graceful,  // idle connections close now, busy ones after their current request or close frame
  force,     // close the socket now
};

// What the server's registry needs from every live connection to stop it.
class session_base {
 public:
  virtual ~session_base() = default;
  // Thread-safe: the session moves the work onto its own strand.
  virtual void shut_down(shutdown_mode mode) = 0;
};

}  // namespace salon::net
