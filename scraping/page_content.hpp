#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// One HTML page reduced to what the extractors read: text blocks in reading order, table rows,
// links and the raw structured data. The HTML parser stays inside page_content.cpp.
namespace salon::scraping {

// A run of text that a reader sees as one piece: a paragraph, a list item, a heading, a table
// row, or the loose text of a <div>. Line breaks (<br>, nested blocks in a cell) are kept as "\n".
struct text_block {
  std::string tag;        // "p", "li", "h3", "tr", "div", ...
  int heading_level = 0;  // 1..6 for h1..h6
  std::string text;
  std::vector<std::string> cells;  // table rows only, one entry per cell
  bool header_row = false;         // a table row made of <th> cells
  std::string classes;             // lower-case class and id words of the element and two ancestors
  int element_id = 0;              // the element the text belongs to
  int parent_id = 0;               // its nearest block-level ancestor: blocks of one card share it
  int table_id = -1;               // rows of one table share it
  bool in_navigation = false;      // inside <nav> or <header>
};

struct page_link {
  std::string href;
  std::string text;
  bool in_navigation = false;
};

struct page_content {
  std::string title;
  std::string base_href;
  std::string site_name;               // <meta property="og:site_name">
  std::string site_title;              // text of an element classed site-title, site-name or logo
  std::string refresh_url;             // <meta http-equiv="refresh" content="0; url=...">
  std::vector<std::string> json_ld;    // contents of application/ld+json scripts
  std::vector<std::string> microdata;  // top-level itemscope items as JSON-LD-like text
  std::vector<text_block> blocks;
  std::vector<page_link> links;
  std::vector<std::string> telephone_links;  // tel: hrefs
  std::vector<std::string> warnings;
};

// Parses the page; never throws. Pages nested deeper than the parser handles safely are read up
// to that point, with a warning.
page_content read_page_content(std::string_view html);

}  // namespace salon::scraping
