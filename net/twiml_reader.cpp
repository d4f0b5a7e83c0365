#include "net/twiml_reader.hpp"

#include <cctype>
#include <charconv>

#include "config/utf8.hpp"

namespace salon::net {
namespace {

// Decodes entities; empty when one is unknown or malformed, or a raw '<' appears.
std::optional<std::string> decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '<') return std::nullopt;
    if (c != '&') {
      out.push_back(c);
      continue;
    }
    auto end = text.find(';', i);
    if (end == std::string_view::npos) return std::nullopt;
    auto name = text.substr(i + 1, end - i - 1);
    i = end;
    if (name == "amp") {
      out.push_back('&');
    } else if (name == "lt") {
      out.push_back('<');
    } else if (name == "gt") {
      out.push_back('>');
    } else if (name == "quot") {
      out.push_back('"');
    } else if (name == "apos") {
      out.push_back('\'');
    } else if (name.size() > 1 && name[0] == '#') {
      bool hex = name[1] == 'x';
      auto digits = name.substr(hex ? 2 : 1);
      unsigned value = 0;
      auto [stop, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
      if (digits.empty() || ec != std::errc{} || stop != digits.data() + digits.size() ||
          value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        return std::nullopt;
      }
      config::utf8::append(out, value);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == ':';
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

class reader {
 public:
  explicit reader(std::string_view xml) : xml_{xml} {}

  std::optional<std::vector<twiml_element>> read() {
    skip_spaces();
    if (xml_.substr(pos_, 5) == "<?xml") {
      auto end = xml_.find("?>", pos_);
      if (end == std::string_view::npos) return std::nullopt;
      pos_ = end + 2;
    }
    std::vector<twiml_element> elements;
    std::vector<std::size_t> open;  // indexes into elements
    bool root_done = false;
    while (true) {
      auto next = xml_.find('<', pos_);
      auto text = xml_.substr(pos_, next == std::string_view::npos ? next : next - pos_);
      if (open.empty()) {
        for (char c : text) {
          if (!is_space(c)) return std::nullopt;  // text outside the root
        }
      } else {
        auto decoded = decode(text);
        if (!decoded) return std::nullopt;
        elements[open.back()].text += *decoded;
      }
      if (next == std::string_view::npos) break;
      pos_ = next + 1;
      if (pos_ < xml_.size() && xml_[pos_] == '/') {
        ++pos_;
        auto name = read_name();
        skip_spaces();
        if (open.empty() || name != elements[open.back()].name || !literal('>')) {
          return std::nullopt;
        }
        open.pop_back();
        if (open.empty()) root_done = true;
        continue;
      }
      if (root_done) return std::nullopt;  // a second root
      twiml_element element;
      element.name = std::string(read_name());
      if (element.name.empty()) return std::nullopt;
      element.depth = static_cast<int>(open.size());
      bool self_closing = false;
      while (true) {
        bool spaced = skip_spaces();
        if (literal('>')) break;
        if (literal('/')) {
          if (!literal('>')) return std::nullopt;
          self_closing = true;
          break;
        }
        if (!spaced) return std::nullopt;
        std::string name{read_name()};
        skip_spaces();
        if (name.empty() || !literal('=')) return std::nullopt;
        skip_spaces();
        if (pos_ >= xml_.size() || (xml_[pos_] != '"' && xml_[pos_] != '\'')) return std::nullopt;
        char quote = xml_[pos_++];
        auto end = xml_.find(quote, pos_);
        if (end == std::string_view::npos) return std::nullopt;
        auto value = decode(xml_.substr(pos_, end - pos_));
        pos_ = end + 1;
        if (!value || !element.attributes.emplace(std::move(name), std::move(*value)).second) {
          return std::nullopt;
        }
      }
      elements.push_back(std::move(element));
      if (self_closing) {
        if (open.empty()) root_done = true;
      } else {
        open.push_back(elements.size() - 1);
      }
    }
    if (!open.empty() || !root_done) return std::nullopt;
    return elements;
  }

 private:
  bool skip_spaces() {
    std::size_t start = pos_;
    while (pos_ < xml_.size() && is_space(xml_[pos_])) ++pos_;
    return pos_ != start;
  }
  bool literal(char c) {
    if (pos_ < xml_.size() && xml_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string_view read_name() {
    std::size_t start = pos_;
    while (pos_ < xml_.size() && is_name_char(xml_[pos_])) ++pos_;
    return xml_.substr(start, pos_ - start);
  }

  std::string_view xml_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string twiml_element::attribute(const std::string& attribute_name) const {
  auto found = attributes.find(attribute_name);
  return found == attributes.end() ? std::string{} : found->second;
}

std::optional<twiml_document> twiml_document::parse(std::string_view xml) {
  auto elements = reader{xml}.read();
  if (!elements || elements->empty() || elements->front().name != "Response") return std::nullopt;
  twiml_document document;
  document.elements_ = std::move(*elements);
  return document;
}

const twiml_element* twiml_document::first(std::string_view name) const noexcept {
  for (const auto& element : elements_) {
    if (element.name == name) return &element;
  }
  return nullptr;
}

std::vector<const twiml_element*> twiml_document::all(std::string_view name) const {
  std::vector<const twiml_element*> found;
  for (const auto& element : elements_) {
    if (element.name == name) found.push_back(&element);
  }
  return found;
}

}  // namespace salon::net
