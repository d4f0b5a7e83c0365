#include "net/twiml.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace salon::net::twiml {
namespace {

// A strict reader for the subset of XML that TwiML uses (declaration, elements, attributes in
// double quotes, text, the five predefined entities). It rejects anything malformed, so the
// tests prove the builders' output parses and give back the unescaped values.
struct element {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;
  std::vector<element> children;
};

class xml_reader {
 public:
  explicit xml_reader(std::string_view xml) : xml_(xml) {}

  std::optional<element> document() {
    constexpr std::string_view declaration = R"(<?xml version="1.0" encoding="UTF-8"?>)";
    if (xml_.substr(0, declaration.size()) != declaration) return fail("no declaration");
    pos_ = declaration.size();
    auto root = read_element();
    if (!root || pos_ != xml_.size()) return fail("trailing content");
    return root;
  }

  const std::string& error() const { return error_; }

 private:
  std::optional<element> fail(std::string why) {
    if (error_.empty()) error_ = why + " at " + std::to_string(pos_);
    return std::nullopt;
  }

  static bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  std::string read_name() {
    const std::size_t start = pos_;
    while (pos_ < xml_.size() && is_name_char(xml_[pos_])) ++pos_;
    return std::string{xml_.substr(start, pos_ - start)};
  }

  // Character data up to `stop`, with entities resolved; raw '&' or '<' is an error.
  std::optional<std::string> read_chars(char stop) {
    std::string out;
    while (pos_ < xml_.size() && xml_[pos_] != stop) {
      const char c = xml_[pos_];
      if (c == '<' || (stop == '"' && c == '"')) return std::nullopt;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c == '&') {
        bool matched = false;
        for (const auto& [entity, replacement] : std::vector<std::pair<std::string_view, char>>{
                 {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}}) {
          if (xml_.substr(pos_, entity.size()) == entity) {
            out.push_back(replacement);
            pos_ += entity.size();
            matched = true;
            break;
          }
        }
        if (!matched) return std::nullopt;
        continue;
      }
      if (c == '>' && stop == '"') return std::nullopt;  // we always escape it
      out.push_back(c);
      ++pos_;
    }
    if (pos_ == xml_.size()) return std::nullopt;
    return out;
  }

  std::optional<element> read_element() {
    if (pos_ >= xml_.size() || xml_[pos_] != '<') return fail("expected element");
    ++pos_;
    element e;
    e.name = read_name();
    if (e.name.empty()) return fail("empty element name");
    while (pos_ < xml_.size() && xml_[pos_] == ' ') {
      ++pos_;
      const std::string attribute = read_name();
      if (attribute.empty() || xml_.substr(pos_, 2) != "=\"") return fail("bad attribute");
      pos_ += 2;
      auto value = read_chars('"');
      if (!value) return fail("bad attribute value");
      ++pos_;
      if (!e.attributes.emplace(attribute, *value).second) return fail("repeated attribute");
    }
    if (xml_.substr(pos_, 2) == "/>") {
      pos_ += 2;
      return e;
    }
    if (pos_ >= xml_.size() || xml_[pos_] != '>') return fail("unterminated start tag");
    ++pos_;
    while (true) {
      if (xml_.substr(pos_, 2) == "</") {
        pos_ += 2;
        if (read_name() != e.name || pos_ >= xml_.size() || xml_[pos_] != '>') {
          return fail("mismatched end tag");
        }
        ++pos_;
        return e;
      }
      if (pos_ < xml_.size() && xml_[pos_] == '<') {
        auto child = read_element();
        if (!child) return std::nullopt;
        e.children.push_back(std::move(*child));
        continue;
      }
      auto text = read_chars('<');
      if (!text) return fail("bad text");
      e.text += *text;
    }
  }

  std::string_view xml_;
  std::size_t pos_ = 0;
  std::string error_;
};

element parse(const std::string& xml) {
  xml_reader reader{xml};
  auto root = reader.document();
  if (!root) {
    ADD_FAILURE() << "not well-formed (" << reader.error() << "): " << xml;
    return {};
  }
  return *root;
}

std::vector<std::string> names_of(const element& e) {
  std::vector<std::string> names;
  for (const auto& child : e.children) names.push_back(child.name);
  return names;
}

conversation_relay_answer studio_nine() {
  conversation_relay_answer answer;
  answer.action_url = "https://salon.example/voice/action";
  answer.relay_url = "wss://salon.example/relay";
  answer.welcome_greeting = "Thanks for calling Studio Nine. How can I help you today?";
  answer.hints = {"balayage", "highlights", "blowout"};
  answer.parameters = {{"locationId", "1"}};
  return answer;
}

TEST(twiml, connect_answer_matches_the_documented_shape) {
  const std::string xml = connect_conversation_relay(studio_nine());
  EXPECT_EQ(xml,
            R"(<?xml version="1.0" encoding="UTF-8"?><Response>)"
            R"(<Connect action="https://salon.example/voice/action" method="POST">)"
            R"(<ConversationRelay url="wss://salon.example/relay" )"
            R"(welcomeGreeting="Thanks for calling Studio Nine. How can I help you today?" )"
            R"(language="en-US" interruptible="any" dtmfDetection="true" )"
            R"(hints="balayage,highlights,blowout">)"
            R"(<Parameter name="locationId" value="1"/></ConversationRelay></Connect></Response>)");
  const element root = parse(xml);
  EXPECT_EQ(root.name, "Response");
  ASSERT_EQ(names_of(root), std::vector<std::string>{"Connect"});
  EXPECT_EQ(root.children[0].attributes.size(), 2u);  // <Connect> takes only action and method
}

TEST(twiml, curl_and_co_and_quotes_are_escaped_everywhere) {
  auto answer = studio_nine();
  answer.welcome_greeting = R"(Thanks for calling Curl & Co, "the <best> cut" in O'ahu.)";
  answer.hints = {"Curl & Co", R"(The "Big" Chop)"};
  answer.parameters = {{"shop", "Curl & Co"}, {R"(a"b)", "<x>"}};
  answer.relay_url = "wss://salon.example/relay?shop=curl&co=1";
  const std::string xml = connect_conversation_relay(answer);

  const element root = parse(xml);
  const element& relay = root.children.at(0).children.at(0);
  EXPECT_EQ(relay.attributes.at("welcomeGreeting"), answer.welcome_greeting);
  EXPECT_EQ(relay.attributes.at("hints"), R"(Curl & Co,The "Big" Chop)");
  EXPECT_EQ(relay.attributes.at("url"), answer.relay_url);
  ASSERT_EQ(relay.children.size(), 2u);
  EXPECT_EQ(relay.children[0].attributes.at("value"), "Curl & Co");
  EXPECT_EQ(relay.children[1].attributes.at("name"), R"(a"b)");
  EXPECT_EQ(relay.children[1].attributes.at("value"), "<x>");

  // Every '&' in the document opens an entity; count what the inputs needed.
  std::size_t ampersands = 0;
  std::size_t entities = 0;
  for (std::size_t pos = xml.find('&'); pos != std::string::npos; pos = xml.find('&', pos + 1)) {
    ++ampersands;
    for (std::string_view entity : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) {
      if (std::string_view{xml}.substr(pos, entity.size()) == entity) ++entities;
    }
  }
  EXPECT_EQ(ampersands, entities);
  // greeting: & " < > " ' = 6; hints: & " " = 3; params: & " < > = 4; url: & = 1.
  EXPECT_EQ(entities, 14u);
}

TEST(twiml, control_characters_and_bad_utf8_are_stripped) {
  EXPECT_EQ(escape_xml("Hi\x01\x1F\x7F there"), "Hi there");
  EXPECT_EQ(escape_xml("line\none\ttwo\r"), "line one two ");
  EXPECT_EQ(escape_xml("Zo\xC3\xAB \xF0\x9F\x92\x87"), "Zoë 💇");
  EXPECT_EQ(escape_xml("bad \xFF\xC3 utf8 \xED\xA0\x80."), "bad  utf8 .");
  EXPECT_EQ(escape_xml("\xEF\xBF\xBF\xC2\x85"), "");  // U+FFFF, NEL (C1)
  EXPECT_EQ(escape_xml(std::string_view{"a\0b", 3}), "ab");
  EXPECT_EQ(escape_xml(R"(&<>"')"), "&amp;&lt;&gt;&quot;&apos;");

  auto answer = studio_nine();
  answer.welcome_greeting = std::string{"Welcome\x00\x02\x1B[31m\n to \xFF Studio", 27};
  const element root = parse(connect_conversation_relay(answer));
  EXPECT_EQ(root.children.at(0).children.at(0).attributes.at("welcomeGreeting"),
            "Welcome[31m  to  Studio");
}

TEST(twiml, empty_options_leave_attributes_out) {
  conversation_relay_answer answer;
  answer.relay_url = "wss://h/relay";
  answer.language.clear();
  answer.interruptible.clear();
  answer.action_method.clear();
  answer.dtmf_detection = false;
  const element root = parse(connect_conversation_relay(answer));
  const element& connect = root.children.at(0);
  EXPECT_TRUE(connect.attributes.empty());
  const element& relay = connect.children.at(0);
  EXPECT_EQ(relay.attributes, (std::map<std::string, std::string>{{"url", "wss://h/relay"},
                                                                  {"dtmfDetection", "false"}}));
  EXPECT_TRUE(relay.children.empty());
}

TEST(twiml, optional_relay_attributes_are_written_when_set) {
  auto answer = studio_nine();
  answer.welcome_greeting_interruptible = "none";
  answer.tts_provider = "ElevenLabs";
  answer.voice = "UgBBYS2sOqTuMpoF3BR0";
  answer.transcription_provider = "Deepgram";
  answer.speech_model = "nova-3-general";
  const element root = parse(connect_conversation_relay(answer));
  const auto& attributes = root.children.at(0).children.at(0).attributes;
  EXPECT_EQ(attributes.at("welcomeGreetingInterruptible"), "none");
  EXPECT_EQ(attributes.at("ttsProvider"), "ElevenLabs");
  EXPECT_EQ(attributes.at("voice"), "UgBBYS2sOqTuMpoF3BR0");
  EXPECT_EQ(attributes.at("transcriptionProvider"), "Deepgram");
  EXPECT_EQ(attributes.at("speechModel"), "nova-3-general");
}

TEST(twiml, hints_are_cleaned_deduplicated_and_capped) {
  EXPECT_EQ(join_hints(std::vector<std::string>{"Balayage", "balayage", " Cut,  Color ", "", ",,,",
                                                "BALAYAGE", "Zoë", "zoë"}),
            "Balayage,Cut Color,Zoë");
  EXPECT_EQ(join_hints(std::vector<std::string>{"Tab\there",
                                                "Bad\xFF"
                                                "byte"}),
            "Tab here,Badbyte");

  const std::string hundred(100, 'a');
  EXPECT_EQ(join_hints(std::vector<std::string>{hundred + "b", hundred}), hundred);
  const std::string hundred_accents = [] {
    std::string s;
    for (int i = 0; i < 100; ++i) s += "é";
    return s;
  }();
  EXPECT_EQ(join_hints(std::vector<std::string>{hundred_accents}), hundred_accents);

  std::vector<std::string> many;
  for (int i = 0; i < 600; ++i) many.push_back("h" + std::to_string(i));
  const std::string capped = join_hints(many);
  EXPECT_EQ(std::count(capped.begin(), capped.end(), ','), 499);
  EXPECT_EQ(capped.substr(capped.rfind(',') + 1), "h499");

  std::vector<std::string> long_names;
  for (int i = 0; i < 200; ++i) long_names.push_back(std::string(90, 'a') + std::to_string(i));
  const std::string bytes_capped = join_hints(long_names);
  EXPECT_LE(bytes_capped.size(), 8u * 1024u);
  EXPECT_GT(bytes_capped.size(), 8u * 1024u - 100u);
}

TEST(twiml, busy_answer_forwards_when_the_salon_has_a_number) {
  const speech sorry{"All our lines are busy. Connecting you to Curl & Co.", "en-US", ""};
  const element root = parse(busy_answer(sorry, "+18084826296"));
  ASSERT_EQ(names_of(root), (std::vector<std::string>{"Say", "Dial"}));
  EXPECT_EQ(root.children[0].text, sorry.text);
  EXPECT_EQ(root.children[0].attributes.at("language"), "en-US");
  EXPECT_EQ(root.children[1].text, "+18084826296");
  EXPECT_TRUE(root.children[1].attributes.empty());

  const element without_number = parse(busy_answer(sorry, ""));
  EXPECT_EQ(names_of(without_number), (std::vector<std::string>{"Say", "Hangup"}));
}

TEST(twiml, hand_off_says_something_polite_then_dials) {
  const std::string xml =
      hand_off({"One moment, I'll put you through to the salon.", "", "Polly.Joanna"},
               {"+18084826296", "+18005550101", 25});
  EXPECT_EQ(xml,
            R"(<?xml version="1.0" encoding="UTF-8"?><Response>)"
            R"(<Say voice="Polly.Joanna">One moment, I&apos;ll put you through to the salon.</Say>)"
            R"(<Dial callerId="+18005550101" timeout="25">+18084826296</Dial></Response>)");
  parse(xml);
  // No number to dial: a goodbye rather than an empty <Dial>.
  EXPECT_EQ(names_of(parse(hand_off({"Sorry, nobody can take the call."}, {"\x01", "", 0}))),
            (std::vector<std::string>{"Say", "Hangup"}));
}

TEST(twiml, goodbye_hangup_and_empty_response) {
  const element bye = parse(goodbye({"Thanks for calling Curl & Co. Goodbye!"}));
  ASSERT_EQ(names_of(bye), (std::vector<std::string>{"Say", "Hangup"}));
  EXPECT_EQ(bye.children[0].text, "Thanks for calling Curl & Co. Goodbye!");
  EXPECT_EQ(names_of(parse(goodbye({""}))), std::vector<std::string>{"Hangup"});
  EXPECT_EQ(hangup(), R"(<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>)");
  EXPECT_EQ(empty_response(), R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)");
  EXPECT_TRUE(parse(empty_response()).children.empty());
}

TEST(twiml, every_single_byte_input_still_gives_a_well_formed_document) {
  for (int byte = 0; byte < 256; ++byte) {
    const std::string text(3, static_cast<char>(byte));
    auto answer = studio_nine();
    answer.welcome_greeting = text;
    answer.hints = {text};
    answer.parameters = {{text, text}};
    parse(connect_conversation_relay(answer));
    parse(hand_off({text}, {"+1" + text}));
  }
}

}  // namespace
}  // namespace salon::net::twiml
