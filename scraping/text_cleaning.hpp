#pragma once

#include <string>
#include <string_view>
#include <vector>

// Text clean-up shared by every extractor: websites write the same words in many ways.
namespace salon::scraping {

// Collapses runs of whitespace (ASCII, no-break and thin spaces) to one space, drops zero-width
// characters and soft hyphens, and trims. With keep_newlines, line breaks survive (one per run).
std::string collapse_spaces(std::string_view text, bool keep_newlines = false);

// A name as shown to people: collapsed, curly quotes made straight, leading bullets and trailing
// dot leaders, dashes, colons and separators removed ("Men’s Cut ......:" → "Men's Cut").
std::string clean_name(std::string_view text);

// A key for deciding that two names mean the same thing: lower case, accents folded,
// apostrophes dropped, "&" read as "and", punctuation as spaces ("Men’s Cut" == "mens cut").
std::string name_key(std::string_view text);

// Decodes HTML character references (numeric and the common named ones) in text that did not go
// through the HTML parser, such as JSON-LD strings written by WordPress plugins.
std::string decode_entities(std::string_view text);

// Converts a page body to UTF-8. Handles UTF-8 (invalid bytes replaced), ISO-8859-1 and
// windows-1252; other charsets are passed through (the HTML parser replaces invalid bytes).
std::string to_utf8(std::string_view bytes, std::string_view charset);

// The charset named in a Content-Type header or, failing that, in the page's <meta> tags.
std::string detect_charset(std::string_view content_type, std::string_view body);

std::string lower_ascii(std::string_view text);

// True when `word` occurs in `lower_text` with no letter or digit on either side.
bool contains_word(std::string_view lower_text, std::string_view word);

// Splits a paragraph into sentences at ". ", "! " and "? " (keeping the punctuation).
std::vector<std::string> split_sentences(std::string_view text);

// Splits on every occurrence of any of the separators, trimming the parts and dropping empty ones.
std::vector<std::string> split_any(std::string_view text,
                                   const std::vector<std::string_view>& separators);

}  // namespace salon::scraping
