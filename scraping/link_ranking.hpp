#pragma once

#include <string>
#include <string_view>

#include "scraping/findings.hpp"
#include "scraping/page_content.hpp"

namespace salon::scraping {

// How worth reading a same-site page is, from its path and link text: services, prices and menus
// first, then team and stylists, about, contact and hours, booking and policies, then other
// pages. 0 for pages never worth a request: blog posts, carts, accounts, legal pages, assets.
int link_rank(std::string_view path, std::string_view link_text);

// Files that are not web pages (images, scripts, PDFs, ...), judged by the path's extension.
bool is_asset_path(std::string_view path);

// The page's links, resolved against the page (or its <base>): same-site ones worth reading go
// to out.links, best first (of the other pages, those in the site's navigation first); links to
// other sites and PDF menus go to out.ignored_links.
void collect_links(const page_content& page, const std::string& page_url, page_findings& out);

}  // namespace salon::scraping
