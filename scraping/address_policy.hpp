#pragma once

#include <optional>
#include <string>
#include <string_view>

struct sockaddr;

namespace salon::scraping {

// What kind of network an IP address belongs to. Only `global` addresses are on the public
// internet; the others reach the server itself, its private network or cloud metadata services.
enum class address_kind {
  global,
  loopback,         // 127.0.0.0/8, ::1
  private_network,  // 10/8, 172.16/12, 192.168/16, fec0::/10
  link_local,       // 169.254/16 (cloud metadata at 169.254.169.254), fe80::/10
  unique_local,     // fc00::/7
  carrier_nat,      // 100.64/10
  unspecified,      // 0.0.0.0/8, ::
  multicast,        // 224/4, ff00::/8
  reserved,         // documentation, benchmarking, 240/4, broadcast, Teredo, discard
};

// IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 addresses are judged by the IPv4 address
// they carry.
address_kind classify_address(const sockaddr* address);

// For literal addresses ("10.0.0.1", "::1", "[fe80::1]"); empty when the text is not one.
std::optional<address_kind> classify_address(std::string_view literal);

std::string_view describe(address_kind kind);

// Which addresses the crawler may connect to.
struct address_policy {
  bool allow_private = false;   // every kind (SCRAPE_ALLOW_PRIVATE=true)
  bool allow_loopback = false;  // loopback only: tests serving fixtures on 127.0.0.1

  bool allows(address_kind kind) const {
    return kind == address_kind::global || allow_private ||
           (allow_loopback && kind == address_kind::loopback);
  }
};

}  // namespace salon::scraping
