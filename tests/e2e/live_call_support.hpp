#pragma once

// What the end-to-end tests of live calls share: the server's settings as in production (behind
// a pretend https proxy), a spool folder of their own, and waiting for the call log's batches.

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "net/twilio_caller.hpp"
#include "tests/e2e/test_database.hpp"

namespace salon::testing {

inline constexpr const char* auth_token = "e2e-twilio-token";
inline constexpr const char* public_base = "https://salon.example.com";
inline constexpr const char* salon_number = "+18084826296";

// A folder of its own for the server's spool, removed at the end.
class scratch_folder {
 public:
  scratch_folder();
  ~scratch_folder();
  scratch_folder(const scratch_folder&) = delete;
  scratch_folder& operator=(const scratch_folder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Asks the database until `ready` holds for the answer (call records are written in batches,
// a few milliseconds after the fact), or gives up after `limit` and returns the last answer.
std::string wait_for_value(const test_database& database, const std::string& sql,
                           const std::function<bool(const std::string&)>& ready,
                           std::chrono::seconds limit = std::chrono::seconds(20));

// "select <column> from calls where call_sid = '<call_sid>'"
std::string call_column(const std::string& column, const std::string& call_sid);

// A call to the demo salon doing `actions`, then hanging up.
net::call_plan plan(std::vector<net::caller_action> actions);

// Every problem of a report, one a line.
std::string problems_of(const net::call_report& report);

// `serve` settings for `database_url` and `spool`: signatures checked against the public base,
// the demo salon's number mapped (known before the directory has read the database).
std::map<std::string, std::string> server_env(const std::string& database_url,
                                              const std::string& spool);

// The simulated Twilio aimed at a server on loopback, signing with `token`.
net::twilio_target target_of(std::uint16_t port, const std::string& token = auth_token);

}  // namespace salon::testing
