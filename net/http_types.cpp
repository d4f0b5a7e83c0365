#include "net/http_types.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>

#include "net/api_error.hpp"

namespace salon::net {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

class responder::state {
 public:
  explicit state(deliver_function deliver) : deliver_{std::move(deliver)} {}
  state(const state&) = delete;
  state& operator=(const state&) = delete;

  ~state() {
    if (sent_.exchange(true)) return;
    spdlog::error("http: a handler dropped its responder without answering; sending 500");
    deliver(error_response(api_error_kind::internal, "the request was not answered"));
  }

  bool send(http_response response) {
    if (sent_.exchange(true)) {
      spdlog::warn("http: a second answer to one request was ignored");
      return false;
    }
    deliver(std::move(response));
    return true;
  }

  bool sent() const noexcept { return sent_.load(); }

 private:
  void deliver(http_response response) noexcept {
    if (!deliver_) return;
    try {
      deliver_(std::move(response));
    } catch (const std::exception& e) {
      spdlog::error("http: delivering a response failed: {}", e.what());
    } catch (...) {
      spdlog::error("http: delivering a response failed");
    }
  }

  std::atomic<bool> sent_{false};
  deliver_function deliver_;
};

responder::responder(deliver_function deliver)
    : state_{std::make_shared<state>(std::move(deliver))} {}

bool responder::send(http_response response) const {
  return state_->send(std::move(response));
}

bool responder::sent() const noexcept {
  return state_->sent();
}

std::optional<std::string_view> http_request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return std::string_view{value};
  }
  return std::nullopt;
}

std::optional<std::string> http_request::query_param(std::string_view name) const {
  std::string_view rest{query};
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = pair.substr(0, eq);
    auto value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (percent_decode(key, true) == name) return percent_decode(value, true);
  }
  return std::nullopt;
}

std::string percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int high = hex_value(text[i + 1]);
      int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && c == '+' ? ' ' : c);
  }
  return out;
}

}  // namespace salon::net
