#include "lib/wire/ospf.hpp"

#include <algorithm>
#include <string>

#include "lib/wire/checksum.hpp"

namespace emu::wire {
namespace {

// Where the common header keeps its checksum and the authentication field (§A.3.1): the
// checksum covers the packet but those 8 bytes.
constexpr std::size_t kChecksumOffset = 12;
constexpr std::size_t kAuthenticationOffset = 16;
// Where an LSA keeps its checksum (§A.4.1).
constexpr std::size_t kLsaChecksumOffset = 16;

std::string count_of(std::size_t bytes, const char* what, std::size_t size) {
    return std::to_string(bytes) + " bytes of " + what + ", not whole " + std::to_string(size) + "-byte entries";
}

LsaHeader read_lsa_header(Reader& in) {
    LsaHeader header;
    header.age = in.u16("LS age");
    header.options = in.u8("options");
    header.type = in.u8("LS type");
    header.link_state_id.value = in.u32("link state ID");
    header.advertising_router.value = in.u32("advertising router");
    header.sequence = in.u32("LS sequence number");
    header.checksum = in.u16("LS checksum");
    header.length = in.u16("length");
    return header;
}

void write_lsa_header(Writer& out, const LsaHeader& header) {
    out.u16(header.age);
    out.u8(header.options);
    out.u8(header.type);
    out.u32(header.link_state_id.value);
    out.u32(header.advertising_router.value);
    out.u32(header.sequence);
    out.u16(header.checksum);
    out.u16(header.length);
}

// Whole 20-byte LSA headers to the end of `in` (DBD, LSAck).
std::vector<LsaHeader> read_lsa_headers(Reader& in) {
    std::vector<LsaHeader> headers;
    if (in.remaining() % LsaHeader::kSize != 0) {
        in.fail(count_of(in.remaining(), "LSA headers", LsaHeader::kSize));
        return headers;
    }
    while (in.remaining() > 0 && !in.failed()) headers.push_back(read_lsa_header(in));
    return headers;
}

// A router-LSA's body, which must fill `in` exactly (§A.4.2).
RouterLsa read_router_lsa(Reader& in) {
    RouterLsa lsa;
    lsa.flags = in.u8("router-LSA flags");
    lsa.reserved = in.u8("router-LSA reserved");
    const auto links = in.u16("number of links");
    for (std::uint16_t i = 0; i < links && !in.failed(); ++i) {
        RouterLink link;
        link.link_id.value = in.u32("link ID");
        link.link_data.value = in.u32("link data");
        link.type = in.u8("link type");
        const auto tos_count = in.u8("number of TOS metrics");
        link.metric = in.u16("metric");
        for (std::uint8_t t = 0; t < tos_count && !in.failed(); ++t) {
            RouterLink::TosMetric tos;
            tos.tos = in.u8("TOS");
            tos.reserved = in.u8("TOS reserved");
            tos.metric = in.u16("TOS metric");
            link.tos_metrics.push_back(tos);
        }
        lsa.links.push_back(std::move(link));
    }
    if (!in.failed() && in.remaining() != 0) {
        in.fail(std::to_string(in.remaining()) + " bytes after the router-LSA's " + std::to_string(links) + " links");
    }
    return lsa;
}

NetworkLsa read_network_lsa(Reader& in) {
    NetworkLsa lsa;
    lsa.network_mask.value = in.u32("network mask");
    if (in.failed()) return lsa;
    if (in.remaining() % 4 != 0) {
        in.fail(count_of(in.remaining(), "attached routers", 4));
        return lsa;
    }
    if (in.remaining() == 0) {
        // §12.4.2: the DR itself is always listed.
        in.fail("a network-LSA without attached routers");
        return lsa;
    }
    while (in.remaining() > 0) lsa.attached_routers.push_back(Ipv4Address{in.u32("attached router")});
    return lsa;
}

// The 24-bit metric that ends a word whose first byte says something else (§A.4.4, §A.4.5).
constexpr std::uint32_t kMetricMask = 0xffffff;

// A summary-LSA's body (§A.4.4): the mask, then one or more (TOS, metric) words.
SummaryLsa read_summary_lsa(Reader& in) {
    SummaryLsa lsa;
    lsa.network_mask.value = in.u32("network mask");
    if (in.failed()) return lsa;
    if (in.remaining() == 0 || in.remaining() % 4 != 0) {
        in.fail(in.remaining() == 0 ? "a summary-LSA without its metric" : count_of(in.remaining(), "metrics", 4));
        return lsa;
    }
    while (in.remaining() > 0) {
        const auto word = in.u32("metric");
        lsa.metrics.push_back({static_cast<std::uint8_t>(word >> 24), word & kMetricMask});
    }
    return lsa;
}

// An AS-external-LSA's body (§A.4.5): the mask, then one or more 12-byte routes.
AsExternalLsa read_as_external_lsa(Reader& in) {
    constexpr std::size_t kRouteSize = 12;
    AsExternalLsa lsa;
    lsa.network_mask.value = in.u32("network mask");
    if (in.failed()) return lsa;
    if (in.remaining() == 0 || in.remaining() % kRouteSize != 0) {
        in.fail(in.remaining() == 0 ? "an AS-external-LSA without its metric"
                                    : count_of(in.remaining(), "external routes", kRouteSize));
        return lsa;
    }
    while (in.remaining() > 0) {
        ExternalRoute route;
        const auto word = in.u32("metric");
        route.type2 = (word & 0x80000000u) != 0;
        route.tos = static_cast<std::uint8_t>((word >> 24) & 0x7f);
        route.metric = word & kMetricMask;
        route.forwarding_address.value = in.u32("forwarding address");
        route.route_tag = in.u32("external route tag");
        lsa.routes.push_back(route);
    }
    return lsa;
}

// One LSA of an update: its header, then a body of exactly the length the header says.
Lsa read_lsa(Reader& in) {
    Lsa lsa;
    const auto start = in.offset();
    auto rest = in.rest();
    lsa.header = read_lsa_header(in);
    if (in.failed()) return lsa;
    if (lsa.header.length < LsaHeader::kSize) {
        in.fail("LSA length " + std::to_string(lsa.header.length) + ", shorter than its header");
        return lsa;
    }
    const std::size_t body_size = lsa.header.length - LsaHeader::kSize;
    if (body_size > in.remaining()) {
        in.fail("LSA length " + std::to_string(lsa.header.length) + " runs past the packet (" +
                std::to_string(in.remaining() + LsaHeader::kSize) + " bytes left)");
        return lsa;
    }
    lsa.checksum_ok = lsa_checksum_holds(rest.first(lsa.header.length));
    auto body_bytes = in.bytes(body_size, "LSA body");
    Reader body(body_bytes);
    switch (lsa.header.type) {
        case lsa_type::kRouter: lsa.body = read_router_lsa(body); break;
        case lsa_type::kNetwork: lsa.body = read_network_lsa(body); break;
        case lsa_type::kSummaryNetwork:
        case lsa_type::kSummaryAsbr: lsa.body = read_summary_lsa(body); break;
        case lsa_type::kAsExternal: lsa.body = read_as_external_lsa(body); break;
        default: lsa.body = std::vector<std::uint8_t>(body_bytes.begin(), body_bytes.end()); break;
    }
    if (body.failed()) {
        in.fail(lsa_type_name(lsa.header.type) + " at byte " + std::to_string(start) + " of the update: " +
                body.error().what);
    }
    return lsa;
}

OspfHello read_hello(Reader& in) {
    OspfHello hello;
    hello.network_mask.value = in.u32("network mask");
    hello.hello_interval = in.u16("hello interval");
    hello.options = in.u8("options");
    hello.priority = in.u8("router priority");
    hello.dead_interval = in.u32("router dead interval");
    hello.designated_router.value = in.u32("designated router");
    hello.backup_designated_router.value = in.u32("backup designated router");
    if (in.failed()) return hello;
    if (in.remaining() % 4 != 0) {
        in.fail(count_of(in.remaining(), "neighbors", 4));
        return hello;
    }
    while (in.remaining() > 0) hello.neighbors.push_back(Ipv4Address{in.u32("neighbor")});
    return hello;
}

OspfDatabaseDescription read_database_description(Reader& in) {
    OspfDatabaseDescription description;
    description.interface_mtu = in.u16("interface MTU");
    description.options = in.u8("options");
    description.flags = in.u8("flags");
    description.sequence = in.u32("DD sequence number");
    if (!in.failed()) description.lsa_headers = read_lsa_headers(in);
    return description;
}

OspfLinkStateRequest read_link_state_request(Reader& in) {
    OspfLinkStateRequest request;
    if (in.remaining() % LsaRequest::kSize != 0) {
        in.fail(count_of(in.remaining(), "requests", LsaRequest::kSize));
        return request;
    }
    while (in.remaining() > 0) {
        LsaRequest asked;
        asked.type = in.u32("LS type");
        asked.link_state_id.value = in.u32("link state ID");
        asked.advertising_router.value = in.u32("advertising router");
        request.requests.push_back(asked);
    }
    return request;
}

OspfLinkStateUpdate read_link_state_update(Reader& in) {
    OspfLinkStateUpdate update;
    const auto count = in.u32("number of LSAs");
    // Each LSA takes at least its header: a count that cannot fit is refused before any work.
    if (!in.failed() && count > in.remaining() / LsaHeader::kSize) {
        in.fail(std::to_string(count) + " LSAs announced, room for " +
                std::to_string(in.remaining() / LsaHeader::kSize) + " at most");
    }
    for (std::uint32_t i = 0; i < count && !in.failed(); ++i) update.lsas.push_back(read_lsa(in));
    if (!in.failed() && in.remaining() != 0) {
        in.fail(std::to_string(in.remaining()) + " bytes after the " + std::to_string(count) + " LSAs announced");
    }
    return update;
}

OspfLinkStateAck read_link_state_ack(Reader& in) { return {read_lsa_headers(in)}; }

void write_lsa_body(Writer& out, const RouterLsa& lsa) {
    out.u8(lsa.flags);
    out.u8(lsa.reserved);
    out.u16(static_cast<std::uint16_t>(lsa.links.size()));
    for (const auto& link : lsa.links) {
        out.u32(link.link_id.value);
        out.u32(link.link_data.value);
        out.u8(link.type);
        out.u8(static_cast<std::uint8_t>(link.tos_metrics.size()));
        out.u16(link.metric);
        for (const auto& tos : link.tos_metrics) {
            out.u8(tos.tos);
            out.u8(tos.reserved);
            out.u16(tos.metric);
        }
    }
}

void write_lsa_body(Writer& out, const NetworkLsa& lsa) {
    out.u32(lsa.network_mask.value);
    for (const auto& attached : lsa.attached_routers) out.u32(attached.value);
}

void write_lsa_body(Writer& out, const SummaryLsa& lsa) {
    out.u32(lsa.network_mask.value);
    for (const auto& metric : lsa.metrics) out.u32(std::uint32_t{metric.tos} << 24 | (metric.metric & kMetricMask));
}

void write_lsa_body(Writer& out, const AsExternalLsa& lsa) {
    out.u32(lsa.network_mask.value);
    for (const auto& route : lsa.routes) {
        out.u32((route.type2 ? 0x80000000u : 0u) | std::uint32_t{route.tos & 0x7fu} << 24 |
                (route.metric & kMetricMask));
        out.u32(route.forwarding_address.value);
        out.u32(route.route_tag);
    }
}

void write_lsa_body(Writer& out, const std::vector<std::uint8_t>& bytes) { out.bytes(bytes); }

void write_body(Writer& out, const OspfHello& hello) {
    out.u32(hello.network_mask.value);
    out.u16(hello.hello_interval);
    out.u8(hello.options);
    out.u8(hello.priority);
    out.u32(hello.dead_interval);
    out.u32(hello.designated_router.value);
    out.u32(hello.backup_designated_router.value);
    for (const auto& neighbor : hello.neighbors) out.u32(neighbor.value);
}

void write_body(Writer& out, const OspfDatabaseDescription& description) {
    out.u16(description.interface_mtu);
    out.u8(description.options);
    out.u8(description.flags);
    out.u32(description.sequence);
    for (const auto& header : description.lsa_headers) write_lsa_header(out, header);
}

void write_body(Writer& out, const OspfLinkStateRequest& request) {
    for (const auto& asked : request.requests) {
        out.u32(asked.type);
        out.u32(asked.link_state_id.value);
        out.u32(asked.advertising_router.value);
    }
}

void write_body(Writer& out, const OspfLinkStateUpdate& update) {
    out.u32(static_cast<std::uint32_t>(update.lsas.size()));
    for (const auto& lsa : update.lsas) write_lsa(out, lsa);
}

void write_body(Writer& out, const OspfLinkStateAck& ack) {
    for (const auto& header : ack.lsa_headers) write_lsa_header(out, header);
}

// The IP checksum of the packet's bytes but the authentication field (§D.4.1); over a packet
// that carries a correct one, the sum comes out 0.
std::uint16_t packet_checksum(Bytes packet) {
    InternetChecksum sum;
    sum.add(packet.first(kAuthenticationOffset));
    sum.add(packet.subspan(kAuthenticationOffset + 8));
    return sum.value();
}

}  // namespace

const char* to_string(OspfType type) {
    switch (type) {
        case OspfType::hello: return "Hello";
        case OspfType::database_description: return "DBD";
        case OspfType::link_state_request: return "LSR";
        case OspfType::link_state_update: return "LSU";
        case OspfType::link_state_ack: return "LSAck";
    }
    return "?";
}

std::string lsa_type_name(std::uint8_t type) {
    switch (type) {
        case lsa_type::kRouter: return "router-LSA";
        case lsa_type::kNetwork: return "network-LSA";
        case lsa_type::kSummaryNetwork: return "summary-LSA";
        case lsa_type::kSummaryAsbr: return "ASBR-summary-LSA";
        case lsa_type::kAsExternal: return "AS-external-LSA";
        default: return "type-" + std::to_string(type) + " LSA";
    }
}

std::string router_link_type_name(std::uint8_t type) {
    switch (type) {
        case RouterLink::kPointToPoint: return "point-to-point";
        case RouterLink::kTransit: return "transit";
        case RouterLink::kStub: return "stub";
        case RouterLink::kVirtual: return "virtual";
        default: return "type-" + std::to_string(type);
    }
}

std::string ospf_auth_type_name(std::uint16_t type) {
    switch (type) {
        case OspfPacket::kAuthNone: return "none";
        case OspfPacket::kAuthPassword: return "password";
        case OspfPacket::kAuthCryptographic: return "cryptographic";
        default: return "type-" + std::to_string(type);
    }
}

std::optional<OspfCryptographicAuth> OspfPacket::cryptographic_auth() const {
    if (auth_type != kAuthCryptographic) return std::nullopt;
    // §D.3: two zero bytes, the key ID, the digest's length, then the sequence number.
    const auto& field = authentication;
    return OspfCryptographicAuth{
        field[2], field[3],
        std::uint32_t{field[4]} << 24 | std::uint32_t{field[5]} << 16 | std::uint32_t{field[6]} << 8 | field[7]};
}

std::uint16_t lsa_checksum(Bytes lsa) {
    if (lsa.size() < LsaHeader::kSize) return 0;
    // ISO 8473 annex C over the LSA from its options on: two running sums mod 255, then the
    // two checksum bytes chosen so that both sums over the whole come out 0.
    int c0 = 0, c1 = 0;
    for (std::size_t i = 2; i < lsa.size(); ++i) {
        const int byte = (i == kLsaChecksumOffset || i == kLsaChecksumOffset + 1) ? 0 : lsa[i];
        c0 = (c0 + byte) % 255;
        c1 = (c1 + c0) % 255;
    }
    // The checksum's first byte is the 15th of the summed bytes (offset 16, age skipped).
    const long after_checksum = static_cast<long>(lsa.size() - 2) - 15;
    int x = static_cast<int>((after_checksum * c0 - c1) % 255);
    if (x <= 0) x += 255;
    int y = 510 - c0 - x;
    if (y > 255) y -= 255;
    return static_cast<std::uint16_t>((x << 8) | y);
}

bool lsa_checksum_holds(Bytes lsa) {
    if (lsa.size() < LsaHeader::kSize) return false;
    if (lsa[kLsaChecksumOffset] == 0 && lsa[kLsaChecksumOffset + 1] == 0) return false;  // never computed
    int c0 = 0, c1 = 0;
    for (std::size_t i = 2; i < lsa.size(); ++i) {
        c0 = (c0 + lsa[i]) % 255;
        c1 = (c1 + c0) % 255;
    }
    return c0 == 0 && c1 == 0;
}

Parsed<OspfPacket> parse_ospf(Bytes packet) {
    Reader in(packet);
    OspfPacket parsed;
    parsed.version = in.u8("version");
    const auto type = in.u8("type");
    const auto length = in.u16("packet length");
    parsed.router_id.value = in.u32("router ID");
    parsed.area_id.value = in.u32("area ID");
    parsed.checksum = in.u16("checksum");
    parsed.auth_type = in.u16("authentication type");
    auto authentication = in.bytes(parsed.authentication.size(), "authentication");
    if (in.failed()) return tl::unexpected(in.error());
    std::copy(authentication.begin(), authentication.end(), parsed.authentication.begin());
    if (parsed.version != 2) return tl::unexpected(WireError{"version " + std::to_string(parsed.version) + ", not 2", 0});
    if (length < OspfPacket::kHeaderSize || length > packet.size()) {
        return tl::unexpected(WireError{"packet length " + std::to_string(length) + " with " +
                                            std::to_string(packet.size()) + " bytes",
                                        2});
    }
    // Cryptographic authentication appends its digest after the packet, as long as the
    // authentication field says (§D.3, §D.4.3); otherwise the packet is the whole IP payload.
    const std::size_t trailing = packet.size() - length;
    if (auto crypto = parsed.cryptographic_auth()) {
        if (trailing != crypto->digest_length) {
            return tl::unexpected(WireError{std::to_string(trailing) + " bytes of digest after the packet, its " +
                                                "authentication field says " + std::to_string(crypto->digest_length),
                                            length});
        }
    } else if (trailing != 0) {
        return tl::unexpected(
            WireError{std::to_string(trailing) + " bytes after the packet length " + std::to_string(length), length});
    }
    const auto whole = packet.first(length);
    if (parsed.auth_type != OspfPacket::kAuthCryptographic && packet_checksum(whole) != 0) {
        return tl::unexpected(WireError{"checksum does not match", kChecksumOffset});
    }
    Reader body(whole.subspan(OspfPacket::kHeaderSize));
    switch (type) {
        case 1: parsed.body = read_hello(body); break;
        case 2: parsed.body = read_database_description(body); break;
        case 3: parsed.body = read_link_state_request(body); break;
        case 4: parsed.body = read_link_state_update(body); break;
        case 5: parsed.body = read_link_state_ack(body); break;
        default: return tl::unexpected(WireError{"unknown type " + std::to_string(type), 1});
    }
    if (body.failed()) return tl::unexpected(shifted(body.error(), OspfPacket::kHeaderSize));
    return parsed;
}

void write_lsa(Writer& out, const Lsa& lsa) {
    write_lsa_header(out, lsa.header);
    std::visit([&](const auto& body) { write_lsa_body(out, body); }, lsa.body);
}

void seal_lsa(Lsa& lsa) {
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write_lsa(out, lsa);
    lsa.header.length = static_cast<std::uint16_t>(bytes.size());
    bytes[18] = static_cast<std::uint8_t>(bytes.size() >> 8);
    bytes[19] = static_cast<std::uint8_t>(bytes.size());
    lsa.header.checksum = lsa_checksum(bytes);
    lsa.checksum_ok = true;
}

void write_ospf(Writer& out, const OspfPacket& packet) {
    std::vector<std::uint8_t> bytes;
    Writer whole(bytes);
    whole.u8(packet.version);
    whole.u8(static_cast<std::uint8_t>(packet.type()));
    whole.u16(0);  // the length, once known
    whole.u32(packet.router_id.value);
    whole.u32(packet.area_id.value);
    whole.u16(0);  // the checksum, once the rest is there
    whole.u16(packet.auth_type);
    whole.bytes(packet.authentication);
    std::visit([&](const auto& body) { write_body(whole, body); }, packet.body);
    bytes[2] = static_cast<std::uint8_t>(bytes.size() >> 8);
    bytes[3] = static_cast<std::uint8_t>(bytes.size());
    const auto checksum =
        packet.auth_type == OspfPacket::kAuthCryptographic ? packet.checksum : packet_checksum(bytes);
    bytes[kChecksumOffset] = static_cast<std::uint8_t>(checksum >> 8);
    bytes[kChecksumOffset + 1] = static_cast<std::uint8_t>(checksum);
    out.bytes(bytes);
}

}  // namespace emu::wire
