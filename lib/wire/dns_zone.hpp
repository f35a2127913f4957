#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "lib/wire/dns.hpp"

namespace emu::wire {

/// Where a zone's text is wrong, and how.
struct ZoneError {
    std::size_t line = 1;    ///< from 1
    std::size_t column = 1;  ///< from 1, in bytes
    std::string message;
};

/// Reads DNS records in the master file format (RFC 1035 §5.1), the text a zone file and
/// `dig` show: `owner [TTL] [class] type data`, TTL and class in either order; a line that
/// starts with a blank has the previous owner; `@` is the origin and a name without a
/// trailing dot is relative to it; `;` starts a comment; parentheses continue an entry over
/// lines; `$ORIGIN` and `$TTL` (RFC 2308 §4) change the defaults; TTLs may be written
/// 1h30m (s, m, h, d, w). Types: A, AAAA, NS, CNAME, PTR, MX, TXT, SRV, SOA, and any type
/// as `TYPEnn \# length hex` (RFC 3597 §5). `$INCLUDE` is refused: the text stands alone.
/// Only class IN. The first mistake is returned with its place.
tl::expected<std::vector<DnsRecord>, ZoneError> parse_zone_text(std::string_view text, const DnsName& origin,
                                                                std::uint32_t default_ttl = 3600);

/// A record as one master file line, with absolute names ("www.example.com. 300 IN A 10.0.2.80").
std::string zone_line(const DnsRecord& record);

/// A duration as zone files write it: "3600", "1h", "1h30m", "2d"; nullopt when it is not one
/// or does not fit in 32 bits.
std::optional<std::uint32_t> parse_zone_ttl(std::string_view text);

}  // namespace emu::wire
