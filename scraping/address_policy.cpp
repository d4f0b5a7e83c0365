#include "scraping/address_policy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

namespace salon::scraping {
namespace {

address_kind classify_v4(std::uint32_t address) {
  const auto in = [&](std::uint32_t network, int prefix) {
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    return (address & mask) == (network & mask);
  };
  constexpr auto ip = [](unsigned a, unsigned b, unsigned c, unsigned d) {
    return static_cast<std::uint32_t>((a << 24) | (b << 16) | (c << 8) | d);
  };
  if (in(ip(0, 0, 0, 0), 8)) return address_kind::unspecified;
  if (in(ip(127, 0, 0, 0), 8)) return address_kind::loopback;
  if (in(ip(10, 0, 0, 0), 8) || in(ip(172, 16, 0, 0), 12) || in(ip(192, 168, 0, 0), 16)) {
    return address_kind::private_network;
  }
  if (in(ip(169, 254, 0, 0), 16)) return address_kind::link_local;
  if (in(ip(100, 64, 0, 0), 10)) return address_kind::carrier_nat;
  if (in(ip(224, 0, 0, 0), 4)) return address_kind::multicast;
  if (in(ip(240, 0, 0, 0), 4) || in(ip(192, 0, 0, 0), 24) || in(ip(192, 0, 2, 0), 24) ||
      in(ip(198, 18, 0, 0), 15) || in(ip(198, 51, 100, 0), 24) || in(ip(203, 0, 113, 0), 24) ||
      in(ip(192, 88, 99, 0), 24)) {
    return address_kind::reserved;
  }
  return address_kind::global;
}

std::uint32_t v4_at(const std::array<std::uint8_t, 16>& bytes, std::size_t at) {
  return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) |
         (std::uint32_t{bytes[at + 2]} << 8) | std::uint32_t{bytes[at + 3]};
}

address_kind classify_v6(const std::array<std::uint8_t, 16>& b) {
  const auto zero = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      if (b[i] != 0) return false;
    }
    return true;
  };
  if (zero(0, 16)) return address_kind::unspecified;
  if (zero(0, 15) && b[15] == 1) return address_kind::loopback;
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) carry an IPv4 address.
  if (zero(0, 10) && b[10] == 0xFF && b[11] == 0xFF) return classify_v4(v4_at(b, 12));
  if (zero(0, 12)) return classify_v4(v4_at(b, 12));
  // 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) reach IPv4 addresses too.
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && zero(4, 12)) {
    return classify_v4(v4_at(b, 12));
  }
  if (b[0] == 0x20 && b[1] == 0x02) return classify_v4(v4_at(b, 2));
  if (b[0] == 0xFF) return address_kind::multicast;
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return address_kind::link_local;
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return address_kind::private_network;
  if ((b[0] & 0xFE) == 0xFC) return address_kind::unique_local;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return address_kind::reserved;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) return address_kind::reserved;
  if (b[0] == 0x01 && zero(1, 8)) return address_kind::reserved;  // 100::/64 discard
  return address_kind::global;
}

}  // namespace

address_kind classify_address(const sockaddr* address) {
  if (address == nullptr) return address_kind::reserved;
  if (address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    return classify_v4(ntohl(v4.sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), &v6.sin6_addr, bytes.size());
    return classify_v6(bytes);
  }
  return address_kind::reserved;
}

std::optional<address_kind> classify_address(std::string_view literal) {
  if (literal.size() >= 2 && literal.front() == '[' && literal.back() == ']') {
    literal = literal.substr(1, literal.size() - 2);
  }
  if (literal.empty() || literal.size() > 64) return std::nullopt;
  const std::string text(literal.substr(0, literal.find('%')));  // drop an IPv6 zone id
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return classify_v4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), &v6, bytes.size());
    return classify_v6(bytes);
  }
  return std::nullopt;
}

std::string_view describe(address_kind kind) {
  switch (kind) {
    case address_kind::global:
      return "public address";
    case address_kind::loopback:
      return "loopback address";
    case address_kind::private_network:
      return "private network address";
    case address_kind::link_local:
      return "link-local address (cloud metadata lives here)";
    case address_kind::unique_local:
      return "unique local address";
    case address_kind::carrier_nat:
      return "carrier-grade NAT address";
    case address_kind::unspecified:
      return "unspecified address";
    case address_kind::multicast:
      return "multicast address";
    case address_kind::reserved:
      return "reserved address";
  }
  return "unknown address";
}

}  // namespace salon::scraping
