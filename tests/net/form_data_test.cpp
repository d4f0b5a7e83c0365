#include "net/form_data.hpp"

#include <gtest/gtest.h>

#include <string>

namespace salon::net {
namespace {

form_data parsed(std::string_view body, form_limits limits = {}) {
  auto result = form_data::parse(body, limits);
  if (auto* error = std::get_if<form_error>(&result)) {
    ADD_FAILURE() << "unexpected error for '" << body << "': " << error->message();
    return {};
  }
  return std::get<form_data>(std::move(result));
}

form_error failed(std::string_view body, form_limits limits = {}) {
  auto result = form_data::parse(body, limits);
  if (std::holds_alternative<form_data>(result)) {
    ADD_FAILURE() << "'" << body.substr(0, 80) << "' parsed but should not have";
    return {form_error_kind::too_long, 0};
  }
  return std::get<form_error>(result);
}

TEST(form_data, twilio_webhook_body_keeps_order_and_decodes) {
  const auto form = parsed(
      "CallSid=CA123&From=%2B18005550100&To=%2B18084826296&CallerName=Jane+O%27Neil"
      "&CallStatus=ringing");
  const std::vector<form_field> expected{{"CallSid", "CA123"},
                                         {"From", "+18005550100"},
                                         {"To", "+18084826296"},
                                         {"CallerName", "Jane O'Neil"},
                                         {"CallStatus", "ringing"}};
  EXPECT_EQ(form.fields(), expected);
  EXPECT_EQ(form.first("From"), "+18005550100");
  EXPECT_EQ(form.first("Missing"), std::nullopt);
  EXPECT_EQ(form.first_or_empty("Missing"), "");
}

TEST(form_data, empty_body_is_an_empty_form) {
  EXPECT_TRUE(parsed("").empty());
  EXPECT_TRUE(parsed("&&&").empty());
}

TEST(form_data, name_without_value_and_value_without_name) {
  EXPECT_EQ(parsed("a=").fields(), (std::vector<form_field>{{"a", ""}}));
  EXPECT_EQ(parsed("a").fields(), (std::vector<form_field>{{"a", ""}}));
  EXPECT_EQ(parsed("=b").fields(), (std::vector<form_field>{{"", "b"}}));
  EXPECT_EQ(parsed("a==b").fields(), (std::vector<form_field>{{"a", "=b"}}));
}

TEST(form_data, plus_is_a_space_and_escaped_plus_is_a_plus) {
  EXPECT_EQ(parsed("+").fields(), (std::vector<form_field>{{" ", ""}}));
  EXPECT_EQ(parsed("q=a+b%2Bc%20d").first("q"), "a b+c d");
}

TEST(form_data, repeated_names_are_all_kept_and_first_wins_lookup) {
  const auto form = parsed("Digits=5678&Digits=1234&Digits=1234");
  ASSERT_EQ(form.fields().size(), 3u);
  EXPECT_EQ(form.first("Digits"), "5678");
  EXPECT_EQ(form.fields()[2], (form_field{"Digits", "1234"}));
}

TEST(form_data, malformed_percent_escapes_are_errors_with_offsets) {
  const auto bad_hex = failed("ok=1&a=%zz");
  EXPECT_EQ(bad_hex.kind, form_error_kind::bad_percent_escape);
  EXPECT_EQ(bad_hex.offset, 7u);
  EXPECT_EQ(failed("%").kind, form_error_kind::bad_percent_escape);
  EXPECT_EQ(failed("a=%4").kind, form_error_kind::bad_percent_escape);
  EXPECT_EQ(failed("a=%4g").kind, form_error_kind::bad_percent_escape);
  EXPECT_EQ(failed("%=1").kind, form_error_kind::bad_percent_escape);
  EXPECT_NE(bad_hex.message().find("percent"), std::string::npos);
}

TEST(form_data, utf8_is_accepted_and_checked) {
  EXPECT_EQ(parsed("name=Jos%C3%A9+%F0%9F%92%87").first("name"), "José 💇");
  EXPECT_EQ(parsed("name=Jos\xC3\xA9").first("name"), "José");
  EXPECT_EQ(failed("name=%C3").kind, form_error_kind::invalid_utf8);
  EXPECT_EQ(failed("name=%FF").kind, form_error_kind::invalid_utf8);
  EXPECT_EQ(failed("name=%C0%AF").kind, form_error_kind::invalid_utf8);        // overlong '/'
  EXPECT_EQ(failed("name=%ED%A0%80").kind, form_error_kind::invalid_utf8);     // surrogate
  EXPECT_EQ(failed("name=%F4%90%80%80").kind, form_error_kind::invalid_utf8);  // > U+10FFFF
  EXPECT_EQ(failed("n\xFF=1").kind, form_error_kind::invalid_utf8);
}

TEST(form_data, nul_characters_are_refused) {
  EXPECT_EQ(failed("a=x%00y").kind, form_error_kind::nul_character);
  EXPECT_EQ(failed(std::string_view{"a=x\0y", 5}).kind, form_error_kind::nul_character);
}

TEST(form_data, one_megabyte_body_is_too_long_by_default_and_fine_when_allowed) {
  std::string body = "Body=";
  body.append(1024 * 1024 - body.size(), 'x');
  const auto error = failed(body);
  EXPECT_EQ(error.kind, form_error_kind::too_long);
  const auto form = parsed(body, {.max_bytes = 2 * 1024 * 1024, .max_fields = 10});
  EXPECT_EQ(form.first("Body")->size(), 1024u * 1024u - 5u);
}

TEST(form_data, field_count_is_limited) {
  std::string body;
  for (int i = 0; i < 11; ++i) body += "k" + std::to_string(i) + "=v&";
  EXPECT_EQ(failed(body, {.max_bytes = 1024, .max_fields = 10}).kind,
            form_error_kind::too_many_fields);
  EXPECT_EQ(parsed(body, {.max_bytes = 1024, .max_fields = 11}).fields().size(), 11u);
}

TEST(form_data, percent_encode_keeps_only_unreserved_characters) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("+1 (808) & é"), "%2B1%20%28808%29%20%26%20%C3%A9");
  EXPECT_EQ(percent_encode("a b", space_encoding::plus), "a+b");
}

TEST(form_data, encode_then_parse_round_trips_every_byte_of_text) {
  form_data form;
  form.add("CallerName", "Curl & Co = \"best\" 100%+");
  form.add("Empty", "");
  form.add("Unicode", "Zoë 💇‍♀️");
  form.add("", "nameless");
  std::string every_byte;
  for (int c = 1; c < 0x80; ++c) every_byte.push_back(static_cast<char>(c));
  form.add("Ascii", every_byte);
  const std::string encoded = form.encode();
  EXPECT_EQ(encoded.find(' '), std::string::npos);
  EXPECT_EQ(parsed(encoded).fields(), form.fields());
}

}  // namespace
}  // namespace salon::net
