#include "net/form_data.hpp"

#include <cstdint>

#include "config/utf8.hpp"

namespace salon::net {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one name or value; `offset` is where `raw` starts in the whole input, for errors.
std::variant<std::string, form_error> decode_component(std::string_view raw, std::size_t offset) {
  std::string decoded;
  decoded.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '+') {
      decoded.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= raw.size()) return form_error{form_error_kind::bad_percent_escape, offset + i};
      const int high = hex_value(raw[i + 1]);
      const int low = hex_value(raw[i + 2]);
      if (high < 0 || low < 0) return form_error{form_error_kind::bad_percent_escape, offset + i};
      decoded.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      decoded.push_back(c);
    }
  }
  for (std::size_t i = 0; i < decoded.size();) {
    if (decoded[i] == '\0') return form_error{form_error_kind::nul_character, offset};
    const std::size_t length = config::utf8::decode(decoded, i).length;
    if (length == 0) return form_error{form_error_kind::invalid_utf8, offset};
    i += length;
  }
  return decoded;
}

}  // namespace

std::string form_error::message() const {
  std::string what;
  switch (kind) {
    case form_error_kind::too_long:
      what = "form body too long";
      break;
    case form_error_kind::too_many_fields:
      what = "too many form fields";
      break;
    case form_error_kind::bad_percent_escape:
      what = "malformed percent escape";
      break;
    case form_error_kind::invalid_utf8:
      what = "form field is not valid UTF-8";
      break;
    case form_error_kind::nul_character:
      what = "form field contains a NUL character";
      break;
  }
  return what + " at byte " + std::to_string(offset);
}

std::variant<form_data, form_error> form_data::parse(std::string_view body, form_limits limits) {
  if (body.size() > limits.max_bytes)
    return form_error{form_error_kind::too_long, limits.max_bytes};
  std::vector<form_field> fields;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(start, end - start);
    if (!pair.empty()) {
      if (fields.size() == limits.max_fields) {
        return form_error{form_error_kind::too_many_fields, start};
      }
      const std::size_t equals = pair.find('=');
      const std::string_view raw_name = pair.substr(0, equals);
      const bool has_value = equals != std::string_view::npos;
      const std::string_view raw_value = has_value ? pair.substr(equals + 1) : std::string_view{};
      auto name = decode_component(raw_name, start);
      if (auto* error = std::get_if<form_error>(&name)) return *error;
      auto value = decode_component(raw_value, has_value ? start + equals + 1 : end);
      if (auto* error = std::get_if<form_error>(&value)) return *error;
      fields.push_back(
          {std::move(std::get<std::string>(name)), std::move(std::get<std::string>(value))});
    }
    start = end + 1;
  }
  return form_data{std::move(fields)};
}

std::optional<std::string_view> form_data::first(std::string_view name) const noexcept {
  for (const auto& field : fields_) {
    if (field.name == name) return std::string_view{field.value};
  }
  return std::nullopt;
}

std::string_view form_data::first_or_empty(std::string_view name) const noexcept {
  return first(name).value_or(std::string_view{});
}

void form_data::add(std::string name, std::string value) {
  fields_.push_back({std::move(name), std::move(value)});
}

std::string form_data::encode() const {
  std::string encoded;
  for (const auto& field : fields_) {
    if (!encoded.empty()) encoded.push_back('&');
    encoded += percent_encode(field.name, space_encoding::plus);
    encoded.push_back('=');
    encoded += percent_encode(field.value, space_encoding::plus);
  }
  return encoded;
}

std::string percent_encode(std::string_view text, space_encoding spaces) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      encoded.push_back(c);
    } else if (c == ' ' && spaces == space_encoding::plus) {
      encoded.push_back('+');
    } else {
      encoded.push_back('%');
      encoded.push_back(digits[byte >> 4]);
      encoded.push_back(digits[byte & 0x0F]);
    }
  }
  return encoded;
}

}  // namespace salon::net
