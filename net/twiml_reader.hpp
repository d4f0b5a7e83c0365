#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace salon::net {

// One element of a TwiML document: its attributes (entities decoded) and the text directly
// inside it.
struct twiml_element {
  std::string name{};
  std::map<std::string, std::string> attributes{};
  std::string text{};
  int depth = 0;  // <Response> is 0

  // The attribute's value, or empty.
  std::string attribute(const std::string& attribute_name) const;
};

// A TwiML answer as Twilio reads it, for the simulated Twilio and for tests: the elements in
// document order. Only what TwiML uses: elements, attributes, text, the five predefined entities
// and character references, the XML declaration. No DTDs, comments or CDATA.
class twiml_document {
 public:
  // Empty when the text is not a well-formed document with a <Response> root (Twilio drops
  // the call then).
  static std::optional<twiml_document> parse(std::string_view xml);

  const std::vector<twiml_element>& elements() const noexcept { return elements_; }
  // The first element with that name, or null.
  const twiml_element* first(std::string_view name) const noexcept;
  std::vector<const twiml_element*> all(std::string_view name) const;

 private:
  std::vector<twiml_element> elements_;
};

}  // namespace salon::net
