#include "net/twilio_signature.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace salon::net {
namespace {

// Section 6 of the Twilio protocol notes, verbatim.
constexpr std::string_view auth_token = "12345";
constexpr std::string_view url = "https://mycompany.com/myapp.php?foo=1&bar=2";
constexpr std::string_view url_with_443 = "https://mycompany.com:443/myapp.php?foo=1&bar=2";

const std::vector<form_field> call_params{{"CallSid", "CA1234567890ABCDE"},
                                          {"Caller", "+14158675309"},
                                          {"Digits", "1234"},
                                          {"From", "+14158675309"},
                                          {"To", "+18005551212"}};
const std::vector<form_field> repeated_params{{"Sid", "CA123"},
                                              {"SidAccount", "AC123"},
                                              {"Digits", "5678"},
                                              {"Digits", "1234"},
                                              {"Digits", "1234"}};
constexpr std::string_view json_body = R"({"property": "value", "boolean": true})";
constexpr std::string_view json_body_hash =
    "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
constexpr std::string_view relay_url = "wss://example.com/relay";

TEST(twilio_signature, payload_of_the_first_vector_is_the_documented_string) {
  EXPECT_EQ(signature_payload(url, call_params),
            "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+"
            "14158675309Digits1234From+14158675309To+18005551212");
}

TEST(twilio_signature, form_vector) {
  EXPECT_EQ(sign(auth_token, url, call_params), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  EXPECT_EQ(check_form_request(auth_token, url, call_params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
            signature_check::valid);
}

TEST(twilio_signature, parameter_order_does_not_matter) {
  std::vector<form_field> shuffled(call_params.rbegin(), call_params.rend());
  EXPECT_EQ(sign(auth_token, url, shuffled), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

TEST(twilio_signature, port_vector_and_both_port_variants) {
  EXPECT_EQ(sign(auth_token, url_with_443, call_params), "kvajT1Ptam85bY51eRf/AJRuM3w=");
  // Twilio signed with the port; we know the URL without it, and the other way round.
  EXPECT_EQ(check_form_request(auth_token, url, call_params, "kvajT1Ptam85bY51eRf/AJRuM3w="),
            signature_check::valid);
  EXPECT_EQ(
      check_form_request(auth_token, url_with_443, call_params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
      signature_check::valid);
}

TEST(twilio_signature, only_the_default_port_of_the_scheme_is_a_variant) {
  const std::string http_url = "http://mycompany.com/myapp.php?foo=1&bar=2";
  const std::string http_80 = "http://mycompany.com:80/myapp.php?foo=1&bar=2";
  const std::string http_443 = "http://mycompany.com:443/myapp.php?foo=1&bar=2";
  const std::string https_8443 = "https://mycompany.com:8443/myapp.php?foo=1&bar=2";
  EXPECT_EQ(
      check_form_request(auth_token, http_url, call_params, sign(auth_token, http_80, call_params)),
      signature_check::valid);
  EXPECT_EQ(check_form_request(auth_token, http_url, call_params,
                               sign(auth_token, http_443, call_params)),
            signature_check::mismatch);
  EXPECT_EQ(
      check_form_request(auth_token, url, call_params, sign(auth_token, https_8443, call_params)),
      signature_check::mismatch);
  EXPECT_EQ(
      check_form_request(auth_token, https_8443, call_params, sign(auth_token, url, call_params)),
      signature_check::mismatch);
}

TEST(twilio_signature, port_variants_keep_userinfo_and_ipv6_hosts_intact) {
  const std::string ipv6 = "https://[2001:db8::1]/voice";
  const std::string ipv6_443 = "https://[2001:db8::1]:443/voice";
  EXPECT_EQ(check_websocket_upgrade(auth_token, ipv6, sign(auth_token, ipv6_443)),
            signature_check::valid);
  EXPECT_EQ(check_websocket_upgrade(auth_token, ipv6_443, sign(auth_token, ipv6)),
            signature_check::valid);
  const std::string no_path = "https://user:pw@example.com";
  EXPECT_EQ(check_websocket_upgrade(auth_token, no_path,
                                    sign(auth_token, "https://user:pw@example.com:443")),
            signature_check::valid);
}

TEST(twilio_signature, repeated_keys_vector) {
  EXPECT_EQ(sign(auth_token, url, repeated_params), "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
  EXPECT_EQ(check_form_request(auth_token, url, repeated_params, "IK+Dwps556ElfBT0I3Rgjkr1wJU="),
            signature_check::valid);
  EXPECT_EQ(signature_payload(url, repeated_params),
            std::string{url} + "Digits1234Digits5678SidCA123SidAccountAC123");
}

TEST(twilio_signature, json_body_vector) {
  EXPECT_EQ(sha256_hex(json_body), json_body_hash);
  const std::string signed_url = std::string{url} + "&bodySHA256=" + std::string{json_body_hash};
  EXPECT_EQ(url_with_body_hash(url, json_body), signed_url);
  EXPECT_EQ(sign(auth_token, signed_url), "a9nBmqA0ju/hNViExpshrM61xv4=");
  EXPECT_EQ(check_json_request(auth_token, signed_url, json_body, "a9nBmqA0ju/hNViExpshrM61xv4="),
            signature_check::valid);
}

TEST(twilio_signature, json_body_must_match_its_hash) {
  const std::string signed_url = url_with_body_hash(url, json_body);
  const std::string signature = sign(auth_token, signed_url);
  EXPECT_EQ(check_json_request(auth_token, signed_url, R"({"property": "other"})", signature),
            signature_check::body_hash_mismatch);
  EXPECT_EQ(check_json_request(auth_token, url, json_body, sign(auth_token, url)),
            signature_check::body_hash_missing);
  EXPECT_EQ(check_json_request(auth_token, signed_url, json_body, "a9nBmqA0ju/hNViExpshrM61xv5="),
            signature_check::mismatch);
}

TEST(twilio_signature, url_with_body_hash_starts_a_query_when_there_is_none) {
  EXPECT_EQ(url_with_body_hash("https://h/voice", "{}"),
            "https://h/voice?bodySHA256=" + sha256_hex("{}"));
  EXPECT_EQ(url_with_body_hash("https://h/voice?", "{}"),
            "https://h/voice?bodySHA256=" + sha256_hex("{}"));
}

TEST(twilio_signature, websocket_vector) {
  EXPECT_EQ(sign(auth_token, relay_url), "mbNFdPBlYbXhXfiw/E6CoJbYji0=");
  EXPECT_EQ(check_websocket_upgrade(auth_token, relay_url, "mbNFdPBlYbXhXfiw/E6CoJbYji0="),
            signature_check::valid);
  // The URL behind a TLS-terminating proxy is not the one Twilio signed.
  EXPECT_EQ(check_websocket_upgrade(auth_token, "https://example.com/relay",
                                    "mbNFdPBlYbXhXfiw/E6CoJbYji0="),
            signature_check::mismatch);
  EXPECT_EQ(check_websocket_upgrade(auth_token, "wss://example.com:443/relay",
                                    "mbNFdPBlYbXhXfiw/E6CoJbYji0="),
            signature_check::valid);
}

TEST(twilio_signature, any_change_is_a_mismatch) {
  const std::string good = sign(auth_token, url, call_params);
  auto tampered = call_params;
  tampered[2].value = "1235";
  EXPECT_EQ(check_form_request(auth_token, url, tampered, good), signature_check::mismatch);
  auto extra = call_params;
  extra.push_back({"Extra", ""});
  EXPECT_EQ(check_form_request(auth_token, url, extra, good), signature_check::mismatch);
  EXPECT_EQ(check_form_request("54321", url, call_params, good), signature_check::mismatch);
  EXPECT_EQ(check_form_request(auth_token, "https://mycompany.com/myapp.php?foo=1&bar=3",
                               call_params, good),
            signature_check::mismatch);
  EXPECT_EQ(check_form_request(auth_token, url, call_params, good.substr(0, 27)),
            signature_check::mismatch);
  EXPECT_EQ(check_form_request(auth_token, url, call_params, good + "="),
            signature_check::mismatch);
}

TEST(twilio_signature, missing_signature_and_missing_token_never_pass) {
  EXPECT_EQ(check_form_request(auth_token, url, call_params, ""),
            signature_check::missing_signature);
  // An empty key is public knowledge: a signature made with it proves nothing.
  EXPECT_EQ(check_form_request("", url, call_params, sign("", url, call_params)),
            signature_check::no_auth_token);
  EXPECT_EQ(check_websocket_upgrade("", relay_url, sign("", relay_url)),
            signature_check::no_auth_token);
  EXPECT_EQ(to_string(signature_check::missing_signature), "missing X-Twilio-Signature");
}

TEST(twilio_signature, odd_urls_do_not_crash_and_only_match_themselves) {
  for (const std::string odd : {"", "://", "https://", "https://:443", "wss://[::1", "ftp://h:21/",
                                "https://h:/x", "no scheme at all", "https://h:443:443/"}) {
    EXPECT_EQ(check_websocket_upgrade(auth_token, odd, sign(auth_token, odd)),
              signature_check::valid)
        << odd;
    EXPECT_EQ(check_websocket_upgrade(auth_token, odd, "mbNFdPBlYbXhXfiw/E6CoJbYji0="),
              signature_check::mismatch)
        << odd;
  }
}

TEST(twilio_signature, non_ascii_parameters_are_signed_as_utf8_bytes) {
  const std::vector<form_field> params{{"CallerName", "Zoë"}, {"FromCity", "SÃO PAULO"}};
  const std::string signature = sign(auth_token, url, params);
  EXPECT_EQ(check_form_request(auth_token, url, params, signature), signature_check::valid);
  EXPECT_EQ(signature.size(), 28u);
}

}  // namespace
}  // namespace salon::net
