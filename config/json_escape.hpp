#pragma once

#include <string>
#include <string_view>

namespace salon::config {

// Escapes `text` for use inside a JSON string literal (control characters as \u00XX).
std::string json_escape(std::string_view text);

}  // namespace salon::config
