#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::wire {

// OSPFv2 (RFC 2328 appendix A): the five packets and the LSAs an area-0 router floods. Packets
// are IP protocol 89, sent to AllSPFRouters (224.0.0.5) or AllDRouters (224.0.0.6) with TTL 1.

/// The packet types (§A.3.1).
enum class OspfType : std::uint8_t {
    hello = 1,
    database_description = 2,
    link_state_request = 3,
    link_state_update = 4,
    link_state_ack = 5,
};

/// "Hello", "DBD", "LSR", "LSU", "LSAck": as the trace and the logs name them.
const char* to_string(OspfType type);

/// LS types (§A.4.1, §12.1.3). These five are read field by field; the others (opaque LSAs,
/// RFC 5250; NSSA, RFC 3101) are kept as bytes.
namespace lsa_type {
inline constexpr std::uint8_t kRouter = 1;
inline constexpr std::uint8_t kNetwork = 2;
inline constexpr std::uint8_t kSummaryNetwork = 3;
inline constexpr std::uint8_t kSummaryAsbr = 4;
inline constexpr std::uint8_t kAsExternal = 5;
}  // namespace lsa_type

/// "router-LSA", "network-LSA", …, or "type-N LSA".
std::string lsa_type_name(std::uint8_t type);

/// The Options field's bits (§A.2) that area-0 routers use: E (AS-external LSAs flooded
/// here) and, from later RFCs, O (opaque LSAs, RFC 5250).
namespace ospf_option {
inline constexpr std::uint8_t kExternal = 0x02;
inline constexpr std::uint8_t kMulticast = 0x04;
inline constexpr std::uint8_t kNssa = 0x08;
inline constexpr std::uint8_t kDemandCircuits = 0x20;
inline constexpr std::uint8_t kOpaque = 0x40;
}  // namespace ospf_option

/// The 20 bytes that start every LSA and stand for it in DBD and LSAck packets (§A.4.1).
struct LsaHeader {
    static constexpr std::size_t kSize = 20;
    /// §12.1.1: seconds since origination; MaxAge (3600) flushes it.
    static constexpr std::uint16_t kMaxAge = 3600;
    /// §12.1.6: the first sequence number an LSA carries (0x80000001, as a signed 32-bit number).
    static constexpr std::uint32_t kInitialSequence = 0x80000001;

    std::uint16_t age = 0;
    std::uint8_t options = 0;
    std::uint8_t type = 0;
    Ipv4Address link_state_id;
    Ipv4Address advertising_router;
    std::uint32_t sequence = kInitialSequence;
    std::uint16_t checksum = 0;
    std::uint16_t length = kSize;

    auto operator<=>(const LsaHeader&) const = default;
};

/// One link of a router-LSA (§A.4.2).
struct RouterLink {
    /// Link types (§A.4.2): what link_id and link_data mean depends on it.
    static constexpr std::uint8_t kPointToPoint = 1;  ///< id: the neighbour's router ID; data: our interface address
    static constexpr std::uint8_t kTransit = 2;       ///< id: the DR's interface address; data: ours
    static constexpr std::uint8_t kStub = 3;          ///< id: the network; data: its mask
    static constexpr std::uint8_t kVirtual = 4;

    /// A metric for a type of service other than 0 (RFC 2328 keeps them on the wire only).
    struct TosMetric {
        std::uint8_t tos = 0;
        std::uint8_t reserved = 0;  ///< kept as read, so the LSA writes back to the bytes its checksum covers
        std::uint16_t metric = 0;
        auto operator<=>(const TosMetric&) const = default;
    };

    Ipv4Address link_id;
    Ipv4Address link_data;
    std::uint8_t type = kStub;
    std::uint16_t metric = 1;
    std::vector<TosMetric> tos_metrics;

    auto operator<=>(const RouterLink&) const = default;
};

/// A router-LSA's body (§A.4.2): every link of the router into the area.
struct RouterLsa {
    /// Flags: V (a virtual link's end), E (an AS boundary router), B (an area border router).
    static constexpr std::uint8_t kVirtualLinkEnd = 0x04;
    static constexpr std::uint8_t kAsBoundary = 0x02;
    static constexpr std::uint8_t kAreaBorder = 0x01;

    std::uint8_t flags = 0;
    std::uint8_t reserved = 0;  ///< kept as read, so the LSA writes back to the bytes its checksum covers
    std::vector<RouterLink> links;

    auto operator<=>(const RouterLsa&) const = default;
};

/// "point-to-point", "transit", "stub", "virtual", or "type-N": a router link's type.
std::string router_link_type_name(std::uint8_t type);

/// A network-LSA's body (§A.4.3): a broadcast network's mask and every router Full with its DR.
struct NetworkLsa {
    Ipv4Address network_mask;
    std::vector<Ipv4Address> attached_routers;

    auto operator<=>(const NetworkLsa&) const = default;
};

/// Metrics of summary- and AS-external-LSAs are 24 bits; this one (LSInfinity, §B) says the
/// destination is no longer reachable.
inline constexpr std::uint32_t kLsInfinity = 0xffffff;

/// One metric of a summary-LSA (§A.4.4): TOS 0 first, then any an RFC 1583 router sent.
struct SummaryMetric {
    std::uint8_t tos = 0;
    std::uint32_t metric = 0;  ///< 24 bits

    auto operator<=>(const SummaryMetric&) const = default;
};

/// A summary-LSA's body (§A.4.4), of type 3 (a network outside the area, its address the
/// link state ID) or 4 (an AS boundary router, its router ID the link state ID, mask 0).
struct SummaryLsa {
    Ipv4Address network_mask;
    /// At least one: the TOS-0 metric first.
    std::vector<SummaryMetric> metrics;

    auto operator<=>(const SummaryLsa&) const = default;
};

/// One route of an AS-external-LSA (§A.4.5): TOS 0 first, then any an RFC 1583 router sent.
struct ExternalRoute {
    /// The E bit: a type 2 metric, larger than any path inside the AS (§16.4); else type 1,
    /// added to the path to the AS boundary router.
    bool type2 = true;
    std::uint8_t tos = 0;      ///< 7 bits
    std::uint32_t metric = 0;  ///< 24 bits
    /// Where to send the traffic; 0.0.0.0: to the advertising router itself.
    Ipv4Address forwarding_address;
    std::uint32_t route_tag = 0;

    auto operator<=>(const ExternalRoute&) const = default;
};

/// An AS-external-LSA's body (§A.4.5): a destination outside the AS (its address the link
/// state ID) and how to get there.
struct AsExternalLsa {
    Ipv4Address network_mask;
    /// At least one: the TOS-0 route first.
    std::vector<ExternalRoute> routes;

    auto operator<=>(const AsExternalLsa&) const = default;
};

/// One LSA. The body of a type other than the five of §A.4 is kept as its bytes.
struct Lsa {
    LsaHeader header;
    std::variant<RouterLsa, NetworkLsa, SummaryLsa, AsExternalLsa, std::vector<std::uint8_t>> body;
    /// Whether its Fletcher checksum (§12.1.7) holds for the bytes it came in. §13 (1): an LSA
    /// whose checksum fails is dropped, the rest of the update still read.
    bool checksum_ok = true;

    auto operator<=>(const Lsa&) const = default;
};

struct OspfHello {
    Ipv4Address network_mask;
    std::uint16_t hello_interval = 10;
    std::uint8_t options = ospf_option::kExternal;
    std::uint8_t priority = 1;
    std::uint32_t dead_interval = 40;
    Ipv4Address designated_router;
    Ipv4Address backup_designated_router;
    /// The routers whose Hellos were seen on this network within the dead interval.
    std::vector<Ipv4Address> neighbors;

    auto operator<=>(const OspfHello&) const = default;
};

struct OspfDatabaseDescription {
    /// Flags (§A.3.3): I, the first packet; M, more follow; MS, the sender is the master.
    static constexpr std::uint8_t kInit = 0x04;
    static constexpr std::uint8_t kMore = 0x02;
    static constexpr std::uint8_t kMaster = 0x01;

    /// The largest IP datagram the interface sends unfragmented (§10.6 compares it).
    std::uint16_t interface_mtu = 1500;
    std::uint8_t options = ospf_option::kExternal;
    std::uint8_t flags = 0;
    std::uint32_t sequence = 0;
    std::vector<LsaHeader> lsa_headers;

    auto operator<=>(const OspfDatabaseDescription&) const = default;
};

/// One LSA asked for (§A.3.4): its identity, not a particular instance.
struct LsaRequest {
    static constexpr std::size_t kSize = 12;
    std::uint32_t type = 0;
    Ipv4Address link_state_id;
    Ipv4Address advertising_router;

    auto operator<=>(const LsaRequest&) const = default;
};

struct OspfLinkStateRequest {
    std::vector<LsaRequest> requests;
    auto operator<=>(const OspfLinkStateRequest&) const = default;
};

struct OspfLinkStateUpdate {
    std::vector<Lsa> lsas;
    auto operator<=>(const OspfLinkStateUpdate&) const = default;
};

struct OspfLinkStateAck {
    std::vector<LsaHeader> lsa_headers;
    auto operator<=>(const OspfLinkStateAck&) const = default;
};

/// What the authentication field holds under cryptographic authentication (§D.3): which
/// shared key made the digest that follows the packet, how long that digest is (16 for keyed
/// MD5; RFC 5709's HMAC-SHA digests are longer), and a sequence number that never goes down,
/// so that a replayed packet can be told.
struct OspfCryptographicAuth {
    std::uint8_t key_id = 0;
    std::uint8_t digest_length = 0;
    std::uint32_t sequence = 0;
};

/// An OSPFv2 packet (§A.3.1): the common header and one of the five bodies, in type order.
struct OspfPacket {
    static constexpr std::uint8_t kIpProtocol = 89;
    static constexpr std::size_t kHeaderSize = 24;
    static constexpr Ipv4Address kAllSpfRouters{0xE0000005};
    static constexpr Ipv4Address kAllDesignatedRouters{0xE0000006};
    /// Authentication types (§D): none, a plain password, cryptographic (keyed MD5).
    static constexpr std::uint16_t kAuthNone = 0;
    static constexpr std::uint16_t kAuthPassword = 1;
    static constexpr std::uint16_t kAuthCryptographic = 2;

    std::uint8_t version = 2;
    Ipv4Address router_id;
    Ipv4Address area_id;
    /// As received; `write_ospf` computes it (but with cryptographic authentication, where it
    /// is not used: §D.4.3).
    std::uint16_t checksum = 0;
    std::uint16_t auth_type = kAuthNone;
    /// Type 1: the password, NUL-padded; type 2: OspfCryptographicAuth's fields.
    std::array<std::uint8_t, 8> authentication{};
    using Body =
        std::variant<OspfHello, OspfDatabaseDescription, OspfLinkStateRequest, OspfLinkStateUpdate, OspfLinkStateAck>;
    Body body;

    OspfType type() const { return static_cast<OspfType>(body.index() + 1); }
    /// The authentication field as §D.3 lays it out; nullopt unless auth_type is cryptographic.
    std::optional<OspfCryptographicAuth> cryptographic_auth() const;
    auto operator<=>(const OspfPacket&) const = default;
};

/// "none", "password", "cryptographic", or "type-N": an authentication type (§D).
std::string ospf_auth_type_name(std::uint16_t type);

/// Parses an OSPFv2 packet (an IPv4 payload of protocol 89). Refused: another version, a
/// length past the bytes, bytes after it other than the digest that cryptographic
/// authentication announces (§D.4.3), a checksum that fails (authentication types 0 and 1: §D.4.1,
/// D.4.2; cryptographic authentication leaves it to the digest, which follows the packet),
/// an unknown type, a body that is not whole entries, an LSA whose length runs past its
/// packet or whose router, network, summary or AS-external body does not fill it exactly.
/// An LSA's own checksum is reported (Lsa::checksum_ok), not refused: the receiver drops
/// just that LSA (§13).
Parsed<OspfPacket> parse_ospf(Bytes packet);

/// Appends the packet with its length and, unless authentication is cryptographic, its
/// checksum computed; LSAs go as they are (`seal_lsa` makes an originated one whole). A
/// cryptographic digest is not kept: it goes after the packet, and is not written here.
void write_ospf(Writer& out, const OspfPacket& packet);

/// Appends one LSA as it is.
void write_lsa(Writer& out, const Lsa& lsa);

/// Sets an LSA's header length and Fletcher checksum from its contents: for an LSA a router
/// originates (or ages: age is outside the checksum, §12.1.7).
void seal_lsa(Lsa& lsa);

/// The Fletcher checksum of §12.1.7 (ISO 8473 annex C) over an LSA's bytes from offset 2 (age
/// excluded), its checksum field counted as zero: the value to put at offset 16.
std::uint16_t lsa_checksum(Bytes lsa);

/// Whether an LSA's bytes carry a correct, non-zero Fletcher checksum.
bool lsa_checksum_holds(Bytes lsa);

}  // namespace emu::wire
