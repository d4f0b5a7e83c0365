#pragma once

#include <map>
#include <string>
#include <vector>

namespace salon::testing {

struct http_result {
  long status = 0;  // 0 when no HTTP answer came back
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;                           // libcurl's message when status is 0
};

// One blocking HTTP request with libcurl (a real client on a real socket).
http_result http_call(const std::string& method, const std::string& url,
                      const std::vector<std::string>& headers = {}, const std::string& body = {});

inline http_result http_get(const std::string& url, const std::vector<std::string>& headers = {}) {
  return http_call("GET", url, headers);
}

}  // namespace salon::testing
