#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace salon::net {

// One decoded name=value pair of a form body or query string.
struct form_field {
  std::string name{};
  std::string value{};

  bool operator==(const form_field&) const = default;
};

enum class form_error_kind {
  too_long,            // input longer than form_limits::max_bytes
  too_many_fields,     // more pairs than form_limits::max_fields
  bad_percent_escape,  // '%' not followed by two hex digits
  invalid_utf8,        // a decoded name or value is not UTF-8
  nul_character,       // a decoded name or value holds U+0000 (PostgreSQL text cannot)
};

struct form_error {
  form_error_kind kind;
  // Byte offset in the raw input: of the bad escape, or of the name or value holding bad bytes.
  std::size_t offset = 0;

  std::string message() const;
};

// Twilio's webhook bodies are a few kilobytes; the limits stop a hostile body early.
struct form_limits {
  std::size_t max_bytes = 64 * 1024;
  std::size_t max_fields = 512;
};

enum class space_encoding { plus, percent_20 };

// Fields of an `application/x-www-form-urlencoded` body (or a URL query), in arrival order,
// repeated names kept: Twilio signs every pair it sent.
class form_data {
 public:
  form_data() = default;
  explicit form_data(std::vector<form_field> fields) : fields_(std::move(fields)) {}

  // WHATWG parsing ('&' separates pairs, the first '=' splits name and value, '+' is a space,
  // empty pairs are skipped) but strict: a malformed escape, bytes that are not UTF-8, a NUL or
  // input over the limits is an error, never a guess. Never throws on bad input.
  static std::variant<form_data, form_error> parse(std::string_view body, form_limits limits = {});

  const std::vector<form_field>& fields() const noexcept { return fields_; }
  bool empty() const noexcept { return fields_.empty(); }

  // First value sent under `name` (Twilio sends each call parameter once).
  std::optional<std::string_view> first(std::string_view name) const noexcept;
  // Same, with a missing field read as empty: Twilio itself sends missing values as "".
  std::string_view first_or_empty(std::string_view name) const noexcept;

  void add(std::string name, std::string value);

  // `name=value&...` with `+` for spaces, as a browser (or Twilio) sends a form.
  std::string encode() const;

 private:
  std::vector<form_field> fields_;
};

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view text,
                           space_encoding spaces = space_encoding::percent_20);

}  // namespace salon::net
