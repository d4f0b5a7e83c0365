#include "tests/e2e/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace salon::testing {
namespace {

std::string scratch_file(const std::string& stem) {
  const char* dir = std::getenv("SALON_TEST_SCRATCH");
  std::string base = dir != nullptr ? dir : "/tmp";
  static std::atomic<int> counter = 0;  // tests may run the binary from several threads
  return base + "/" + stem + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter) +
         ".log";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<int> wait_for_exit(pid_t pid, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

}  // namespace

pid_t spawn_binary(const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env, const std::string& log_path) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    // Settings under test come only from `env`, never from the test runner's environment.
    for (const char* name :
         {"DATABASE_URL", "PORT", "ADMIN_API_KEY", "TWILIO_AUTH_TOKEN", "PHONE_TO_LOCATION_MAP",
          "DEFAULT_LOCATION_ID", "PUBLIC_BASE_URL", "LOG_FORMAT", "LOG_LEVEL"}) {
      unsetenv(name);
    }
    for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> argv;
    std::string binary = binary_path();
    argv.push_back(binary.data());
    std::vector<std::string> copies = args;
    for (auto& arg : copies) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

std::string binary_path() {
  if (const char* path = std::getenv("SALON_BINARY")) return path;
  return SALON_BINARY_PATH;
}

finished_process run_binary(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env) {
  std::string log_path = scratch_file("run");
  pid_t pid = spawn_binary(args, env, log_path);
  auto code = wait_for_exit(pid, std::chrono::seconds(120));
  if (!code) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  return {code.value_or(-1), read_file(log_path)};
}

server_process::server_process(std::map<std::string, std::string> env,
                               std::vector<std::string> extra_args)
    : log_path_(scratch_file("server")) {
  env.emplace("PORT", "0");
  env.emplace("BIND_ADDRESS", "127.0.0.1");
  env.emplace("LOG_LEVEL", "debug");
  std::vector<std::string> args = {"serve"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn_binary(args, env, log_path_);
  static const std::regex listening(R"(listening on http://[^:]+:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    std::string text = read_file(log_path_);
    if (std::regex_search(text, match, listening)) {
      port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
      return;
    }
    if (!running()) throw std::runtime_error("salon-phone serve exited early:\n" + text);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("salon-phone serve did not start listening:\n" + log());
}

server_process::~server_process() {
  if (pid_ > 0 && running()) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string server_process::log() const {
  return read_file(log_path_);
}

bool server_process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::optional<int> server_process::stop(int signal, std::chrono::seconds limit) {
  if (pid_ <= 0) return std::nullopt;
  kill(pid_, signal);
  auto code = wait_for_exit(pid_, limit);
  if (code) pid_ = -1;
  return code;
}

}  // namespace salon::testing
