#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scraping/findings.hpp"
#include "scraping/page_content.hpp"

namespace salon::scraping {

// Team cards: a person's name followed by a role line ("Senior Stylist") and a short bio, a name
// and role on two lines of one block, or "Name – Role" on one line.
void find_professionals(const page_content& page, const std::string& page_url, findings& out);

// What a stylist's bio says they do: "specializes in curly cuts and Pintura highlights" →
// {"curly cuts", "Pintura highlights"}; a short list such as "Blowouts, updos and kids' cuts."
std::vector<std::string> specialties_from_bio(std::string_view bio);

// "Maria Santos", "Tomás Oliveira", "Ana de la Cruz": capitalised words, no digits, no role words.
bool looks_like_person_name(std::string_view text);

// "Owner & Color Specialist", "Senior Stylist": a short line naming a job in a salon.
bool looks_like_role(std::string_view text);

}  // namespace salon::scraping
