#include "scraping/page_content.hpp"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>

#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

// Gumbo's run time grows with the square of the nesting depth (and it recurses when freeing the
// tree), so pages are cut where their tags nest deeper than any real page does.
constexpr int max_nesting_depth = 400;
// The tree walk itself stops descending here; the cut above keeps real depth far below it.
constexpr int max_walk_depth = 600;
constexpr int max_microdata_depth = 48;
constexpr std::size_t max_links = 500;
constexpr std::size_t max_cell_bytes = 400;
constexpr std::size_t max_title_bytes = 80;
constexpr std::size_t max_link_text_bytes = 200;

bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

// Tags the HTML parser closes on its own, and void tags: neither nests.
bool nests(std::string_view name) {
  static constexpr std::array<std::string_view, 32> flat = {
      "p",        "li",    "dt",    "dd",    "tr",       "td",    "th",     "option",
      "optgroup", "thead", "tbody", "tfoot", "colgroup", "rb",    "rt",     "rp",
      "br",       "img",   "hr",    "meta",  "link",     "input", "source", "wbr",
      "area",     "base",  "col",   "embed", "param",    "track", "keygen", "image"};
  return std::find(flat.begin(), flat.end(), name) == flat.end();
}

// Where the raw text of a <script>, <style>, ... element ends: its closing tag, any case.
std::size_t closing_tag(std::string_view html, std::size_t from, std::string_view name) {
  for (auto at = html.find("</", from); at != std::string_view::npos;
       at = html.find("</", at + 2)) {
    if (lower_ascii(html.substr(at + 2, name.size())) == name) return at;
  }
  return html.size();
}

// How much of the page can be parsed safely: everything before nesting exceeds the limit.
// One pass; every search moves past what it found.
std::size_t safe_prefix_length(std::string_view html) {
  int depth = 0;
  std::size_t at = 0;
  while (at < html.size()) {
    const auto open = html.find('<', at);
    if (open == std::string_view::npos || open + 1 >= html.size()) break;
    if (html.substr(open, 4) == "<!--") {
      const auto end = html.find("-->", open + 4);
      if (end == std::string_view::npos) break;
      at = end + 3;
      continue;
    }
    const char next = html[open + 1];
    if (next == '/') {
      const auto close = html.find('>', open + 2);
      if (close == std::string_view::npos) break;
      depth = std::max(0, depth - 1);
      at = close + 1;
      continue;
    }
    if (!is_alpha(next)) {
      at = open + 1;
      continue;
    }
    const auto close = html.find('>', open + 1);
    if (close == std::string_view::npos) break;
    std::size_t name_end = open + 1;
    while (name_end < close && (std::isalnum(static_cast<unsigned char>(html[name_end])) != 0 ||
                                html[name_end] == '-')) {
      ++name_end;
    }
    const std::string name = lower_ascii(html.substr(open + 1, name_end - open - 1));
    at = close + 1;
    if (name == "script" || name == "style" || name == "textarea" || name == "title" ||
        name == "xmp" || name == "noscript" || name == "template") {
      at = closing_tag(html, at, name);
      continue;
    }
    const bool self_closing = html[close - 1] == '/';
    if (self_closing || !nests(name)) continue;
    if (++depth > max_nesting_depth) return open;
  }
  return html.size();
}

std::string attribute(const GumboNode* node, const char* name) {
  if (node->type != GUMBO_NODE_ELEMENT) return {};
  const GumboAttribute* found = gumbo_get_attribute(&node->v.element.attributes, name);
  return found ? std::string(found->value) : std::string{};
}

bool has_attribute(const GumboNode* node, const char* name) {
  return node->type == GUMBO_NODE_ELEMENT &&
         gumbo_get_attribute(&node->v.element.attributes, name) != nullptr;
}

GumboTag tag_of(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT ? node->v.element.tag : GUMBO_TAG_UNKNOWN;
}

const GumboVector* children_of(const GumboNode* node) {
  if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
    return &node->v.element.children;
  }
  if (node->type == GUMBO_NODE_DOCUMENT) return &node->v.document.children;
  return nullptr;
}

template <typename Visit>
void for_each_child(const GumboNode* node, Visit&& visit) {
  const GumboVector* children = children_of(node);
  if (!children) return;
  for (unsigned i = 0; i < children->length; ++i) {
    visit(static_cast<const GumboNode*>(children->data[i]));
  }
}

bool is_skipped(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_HEAD:
      return true;
    default:
      return false;
  }
}

bool is_block(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_UL:
      return true;
    default:
      return false;
  }
}

int heading_level(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_H1:
      return 1;
    case GUMBO_TAG_H2:
      return 2;
    case GUMBO_TAG_H3:
      return 3;
    case GUMBO_TAG_H4:
      return 4;
    case GUMBO_TAG_H5:
      return 5;
    case GUMBO_TAG_H6:
      return 6;
    default:
      return 0;
  }
}

// Source whitespace is layout, not line breaks: only <br> and blocks break lines.
void append_source_text(std::string& out, const char* text, std::size_t limit = std::string::npos) {
  for (const char* c = text; *c != '\0' && out.size() <= limit; ++c) {
    out.push_back(*c == '\n' || *c == '\r' || *c == '\t' || *c == '\f' ? ' ' : *c);
  }
}

// All text under a node, with "\n" between blocks and at <br>; stops once `limit` bytes are in.
void collect_text(const GumboNode* node, std::string& out, int depth, std::size_t limit) {
  if (depth > max_walk_depth || out.size() > limit) return;
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
      node->type == GUMBO_NODE_WHITESPACE) {
    append_source_text(out, node->v.text.text, limit);
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT) return;
  const GumboTag tag = tag_of(node);
  if (is_skipped(tag)) return;
  if (tag == GUMBO_TAG_BR) {
    out.push_back('\n');
    return;
  }
  const bool block = is_block(tag);
  if (block) out.push_back('\n');
  for_each_child(node, [&](const GumboNode* child) { collect_text(child, out, depth + 1, limit); });
  if (block) out.push_back('\n');
}

std::string text_of(const GumboNode* node, bool keep_newlines = false,
                    std::size_t limit = std::string::npos) {
  std::string raw;
  collect_text(node, raw, 0, limit);
  return collapse_spaces(raw, keep_newlines);
}

std::string class_words(const GumboNode* node) {
  std::string words = attribute(node, "class");
  const std::string id = attribute(node, "id");
  if (!id.empty()) words += " " + id;
  return lower_ascii(words);
}

// A data table holds short cells; a layout table holds the page.
bool is_data_table(const GumboNode* table, int depth = 0) {
  bool data = true;
  const auto visit = [&](const auto& self, const GumboNode* node, int level) -> void {
    if (!data || level > 32) return;
    for_each_child(node, [&](const GumboNode* child) {
      if (!data || child->type != GUMBO_NODE_ELEMENT) return;
      const GumboTag tag = tag_of(child);
      if (tag == GUMBO_TAG_TABLE || heading_level(tag) > 0 || tag == GUMBO_TAG_UL ||
          tag == GUMBO_TAG_OL || tag == GUMBO_TAG_FORM) {
        data = false;
        return;
      }
      if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) {
        if (text_of(child, false, 2 * max_cell_bytes).size() > max_cell_bytes) data = false;
        return;
      }
      self(self, child, level + 1);
    });
  };
  visit(visit, table, depth);
  return data;
}

std::string schema_name(std::string_view value) {
  const auto cut = value.find_last_of("/#");
  return std::string(cut == std::string_view::npos ? value : value.substr(cut + 1));
}

nlohmann::json microdata_value(const GumboNode* node, int depth);

void add_property(nlohmann::json& item, const std::string& names, nlohmann::json value) {
  std::size_t at = 0;
  while (at < names.size()) {
    const auto end = std::min(names.find(' ', at), names.size());
    const std::string name = schema_name(std::string_view(names).substr(at, end - at));
    at = end + 1;
    if (name.empty()) continue;
    if (!item.contains(name)) {
      item[name] = value;
    } else {
      if (!item[name].is_array()) item[name] = nlohmann::json::array({item[name]});
      item[name].push_back(value);
    }
  }
}

void collect_properties(const GumboNode* node, nlohmann::json& item, int depth) {
  if (depth > max_microdata_depth) return;
  for_each_child(node, [&](const GumboNode* child) {
    if (child->type != GUMBO_NODE_ELEMENT) return;
    const std::string names = attribute(child, "itemprop");
    const bool scope = has_attribute(child, "itemscope");
    if (!names.empty()) add_property(item, names, microdata_value(child, depth + 1));
    if (!scope) collect_properties(child, item, depth + 1);
  });
}

nlohmann::json microdata_item(const GumboNode* node, int depth) {
  nlohmann::json item = nlohmann::json::object();
  const std::string types = attribute(node, "itemtype");
  if (!types.empty()) {
    nlohmann::json names = nlohmann::json::array();
    std::size_t at = 0;
    while (at < types.size()) {
      const auto end = std::min(types.find(' ', at), types.size());
      if (end > at) names.push_back(schema_name(std::string_view(types).substr(at, end - at)));
      at = end + 1;
    }
    item["@type"] = names.size() == 1 ? names[0] : names;
  }
  collect_properties(node, item, depth);
  return item;
}

nlohmann::json microdata_value(const GumboNode* node, int depth) {
  if (has_attribute(node, "itemscope")) return microdata_item(node, depth);
  if (has_attribute(node, "content")) return decode_entities(attribute(node, "content"));
  switch (tag_of(node)) {
    case GUMBO_TAG_META:
      return attribute(node, "content");
    case GUMBO_TAG_A:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_AREA:
      return attribute(node, "href");
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_EMBED:
      return attribute(node, "src");
    case GUMBO_TAG_TIME:
      if (has_attribute(node, "datetime")) return attribute(node, "datetime");
      break;
    case GUMBO_TAG_DATA:
    case GUMBO_TAG_METER:
      return attribute(node, "value");
    default:
      break;
  }
  return text_of(node);
}

// Walks the body once, producing blocks, table rows and links in reading order.
class block_walker {
 public:
  explicit block_walker(page_content& page) : page_(page) {}

  void walk_document(const GumboNode* root) {
    frames_.push_back(frame{next_id_++, "html", 0, {}, {}, 0});
    walk(root, 0);
    flush();
  }

 private:
  struct frame {
    int element_id;
    std::string tag;
    int heading_level;
    std::string own_classes;
    std::string buffer;
    int parent_id;
  };

  void walk(const GumboNode* node, int depth) {
    if (depth > max_walk_depth) return;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
        node->type == GUMBO_NODE_WHITESPACE) {
      add_text(node->v.text.text);
      return;
    }
    if (node->type == GUMBO_NODE_DOCUMENT) {
      for_each_child(node, [&](const GumboNode* child) { walk(child, depth + 1); });
      return;
    }
    if (node->type != GUMBO_NODE_ELEMENT) return;
    const GumboTag tag = tag_of(node);
    read_head_element(node, tag);
    if (tag == GUMBO_TAG_HEAD) {
      for_each_child(node, [&](const GumboNode* child) { read_head(child, depth + 1); });
      return;
    }
    if (tag == GUMBO_TAG_SCRIPT) read_script(node);
    if (is_skipped(tag)) return;
    if (has_attribute(node, "itemscope") && !has_attribute(node, "itemprop")) {
      page_.microdata.push_back(microdata_item(node, 0).dump());
    }
    const std::string classes = class_words(node);
    if (page_.site_title.empty() && is_site_title(classes)) {
      const std::string title = text_of(node, false, 4 * max_title_bytes);
      if (!title.empty() && title.size() <= max_title_bytes) page_.site_title = title;
    }
    if (tag == GUMBO_TAG_BR) {
      frames_.back().buffer.push_back('\n');
      return;
    }
    if (tag == GUMBO_TAG_A) read_link(node);
    const bool navigation =
        tag == GUMBO_TAG_NAV || tag == GUMBO_TAG_HEADER || attribute(node, "role") == "navigation";
    navigation_depth_ += navigation ? 1 : 0;

    if (tag == GUMBO_TAG_TABLE && is_data_table(node)) {
      flush();
      read_table(node, classes);
    } else if (is_block(tag)) {
      flush();
      frames_.push_back(frame{next_id_++,
                              gumbo_normalized_tagname(tag),
                              heading_level(tag),
                              classes,
                              {},
                              frames_.back().element_id});
      for_each_child(node, [&](const GumboNode* child) { walk(child, depth + 1); });
      flush();
      frames_.pop_back();
    } else {
      for_each_child(node, [&](const GumboNode* child) { walk(child, depth + 1); });
    }
    navigation_depth_ -= navigation ? 1 : 0;
  }

  void read_head(const GumboNode* node, int depth) {
    if (depth > 32 || node->type != GUMBO_NODE_ELEMENT) return;
    const GumboTag tag = tag_of(node);
    read_head_element(node, tag);
    if (tag == GUMBO_TAG_SCRIPT) read_script(node);
    if (tag == GUMBO_TAG_TITLE && page_.title.empty()) page_.title = text_of(node);
    if (tag == GUMBO_TAG_NOSCRIPT || tag == GUMBO_TAG_TEMPLATE) return;
    for_each_child(node, [&](const GumboNode* child) { read_head(child, depth + 1); });
  }

  void read_head_element(const GumboNode* node, GumboTag tag) {
    if (tag == GUMBO_TAG_BASE && page_.base_href.empty()) page_.base_href = attribute(node, "href");
    if (tag != GUMBO_TAG_META) return;
    const std::string property = lower_ascii(attribute(node, "property") + attribute(node, "name"));
    if (property == "og:site_name" && page_.site_name.empty()) {
      page_.site_name = collapse_spaces(attribute(node, "content"));
    }
    if (lower_ascii(attribute(node, "http-equiv")) == "refresh" && page_.refresh_url.empty()) {
      const std::string content = attribute(node, "content");
      const auto at = lower_ascii(content).find("url=");
      if (at != std::string::npos) {
        std::string url = collapse_spaces(content.substr(at + 4));
        if (!url.empty() && (url.front() == '\'' || url.front() == '"')) url.erase(0, 1);
        if (!url.empty() && (url.back() == '\'' || url.back() == '"')) url.pop_back();
        page_.refresh_url = url;
      }
    }
  }

  void read_script(const GumboNode* node) {
    if (lower_ascii(attribute(node, "type")).find("ld+json") == std::string::npos) return;
    std::string json;
    for_each_child(node, [&](const GumboNode* child) {
      if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA ||
          child->type == GUMBO_NODE_WHITESPACE) {
        json += child->v.text.text;
      }
    });
    if (!json.empty()) page_.json_ld.push_back(std::move(json));
  }

  void read_link(const GumboNode* node) {
    const std::string href = collapse_spaces(attribute(node, "href"));
    if (href.empty()) return;
    if (lower_ascii(href.substr(0, 4)) == "tel:") page_.telephone_links.push_back(href);
    if (page_.links.size() >= max_links) return;
    page_.links.push_back(
        page_link{href, text_of(node, false, max_link_text_bytes), navigation_depth_ > 0});
  }

  static bool is_site_title(const std::string& classes) {
    for (const std::string_view word : {"site-title", "site-name", "site-branding", "logo", "brand",
                                        "navbar-brand", "business-name"}) {
      if (contains_word(classes, word)) return true;
    }
    return false;
  }

  void read_table(const GumboNode* table, const std::string& classes) {
    const int table_id = next_table_id_++;
    const int table_element = next_id_++;
    const auto read_row = [&](const GumboNode* row) {
      text_block block;
      block.tag = "tr";
      block.table_id = table_id;
      block.element_id = next_id_++;
      block.parent_id = table_element;
      block.classes = classes;
      block.in_navigation = navigation_depth_ > 0;
      bool all_headers = true;
      for_each_child(row, [&](const GumboNode* cell) {
        const GumboTag tag = tag_of(cell);
        if (tag != GUMBO_TAG_TD && tag != GUMBO_TAG_TH) return;
        all_headers = all_headers && tag == GUMBO_TAG_TH;
        block.cells.push_back(text_of(cell, true));
      });
      if (block.cells.empty()) return;
      block.header_row = all_headers;
      for (const auto& cell : block.cells) {
        if (cell.empty()) continue;
        if (!block.text.empty()) block.text += " | ";
        block.text += cell;
      }
      if (!block.text.empty()) page_.blocks.push_back(std::move(block));
    };
    const auto visit = [&](const auto& self, const GumboNode* node, int level) -> void {
      if (level > 4) return;
      for_each_child(node, [&](const GumboNode* child) {
        const GumboTag tag = tag_of(child);
        if (tag == GUMBO_TAG_TR) {
          read_row(child);
        } else if (tag == GUMBO_TAG_CAPTION) {
          text_block caption;
          caption.tag = "caption";
          caption.heading_level = 4;
          caption.text = text_of(child);
          caption.element_id = next_id_++;
          caption.parent_id = table_element;
          caption.table_id = table_id;
          if (!caption.text.empty()) page_.blocks.push_back(std::move(caption));
        } else if (tag == GUMBO_TAG_THEAD || tag == GUMBO_TAG_TBODY || tag == GUMBO_TAG_TFOOT) {
          self(self, child, level + 1);
        }
      });
    };
    visit(visit, table, 0);
  }

  void add_text(const char* text) { append_source_text(frames_.back().buffer, text); }

  // Emits the text gathered so far for the innermost open block.
  void flush() {
    frame& top = frames_.back();
    std::string text = collapse_spaces(top.buffer, true);
    top.buffer.clear();
    if (text.empty()) return;
    text_block block;
    block.tag = top.tag;
    block.heading_level = top.heading_level;
    block.text = std::move(text);
    block.classes = top.own_classes;
    for (std::size_t up = 2; up <= 3 && up <= frames_.size(); ++up) {
      const std::string& ancestor = frames_[frames_.size() - up].own_classes;
      if (!ancestor.empty()) block.classes += " " + ancestor;
    }
    block.element_id = top.element_id;
    block.parent_id = top.parent_id;
    block.in_navigation = navigation_depth_ > 0;
    page_.blocks.push_back(std::move(block));
  }

  page_content& page_;
  std::vector<frame> frames_;
  int next_id_ = 1;
  int next_table_id_ = 0;
  int navigation_depth_ = 0;
};

struct gumbo_output_deleter {
  void operator()(GumboOutput* output) const {
    gumbo_destroy_output(&kGumboDefaultOptions, output);
  }
};

}  // namespace

page_content read_page_content(std::string_view html) {
  page_content page;
  try {
    const std::size_t safe = safe_prefix_length(html);
    if (safe < html.size()) {
      page.warnings.push_back("page nests its tags too deeply; read the first " +
                              std::to_string(safe) + " bytes only");
    }
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0;  // error records copy the open-element stack: memory grows fast
    const std::unique_ptr<GumboOutput, gumbo_output_deleter> output(
        gumbo_parse_with_options(&options, html.data(), safe));
    if (!output) {
      page.warnings.push_back("the HTML parser gave up on this page");
      return page;
    }
    block_walker walker(page);
    walker.walk_document(output->document);
  } catch (const std::exception& error) {
    page.warnings.push_back(std::string("page could not be read: ") + error.what());
  }
  return page;
}

}  // namespace salon::scraping
