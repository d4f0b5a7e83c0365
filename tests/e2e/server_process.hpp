#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace salon::testing {

// Path of the salon-phone binary under test.
std::string binary_path();

// Result of running the binary to completion.
struct finished_process {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `salon-phone args...` with `env` added to the environment and waits (bounded) for it.
finished_process run_binary(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env);

// A `salon-phone serve` process on a free loopback port, killed at the end if still running.
// Starts the binary with `args` and `env` (and nothing else of the runner's settings), its
// stdout and stderr going to `output_path` (a file, or a FIFO the caller reads).
pid_t spawn_binary(const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env, const std::string& output_path);

class server_process {
 public:
  explicit server_process(std::map<std::string, std::string> env,
                          std::vector<std::string> extra_args = {});
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const;
  bool running();

  // Sends `signal` and waits up to `limit` for the exit; the exit code, or nullopt on time-out.
  std::optional<int> stop(int signal, std::chrono::seconds limit = std::chrono::seconds(20));

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::uint16_t port_ = 0;
};

}  // namespace salon::testing
