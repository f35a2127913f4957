#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <tl/expected.hpp>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::wire {

/// Record types this code gives a shape to (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 6891);
/// any other type's data is carried through as bytes (RFC 3597). Then the query types and
/// meta-types that have a name here (RFC 1035 §3.2.3, RFC 1995, RFC 2930, RFC 8945).
namespace dns_type {
constexpr std::uint16_t kA = 1;
constexpr std::uint16_t kNs = 2;
constexpr std::uint16_t kCname = 5;
constexpr std::uint16_t kSoa = 6;
constexpr std::uint16_t kPtr = 12;
constexpr std::uint16_t kMx = 15;
constexpr std::uint16_t kTxt = 16;
constexpr std::uint16_t kAaaa = 28;
constexpr std::uint16_t kSrv = 33;
constexpr std::uint16_t kOpt = 41;
constexpr std::uint16_t kTkey = 249;
constexpr std::uint16_t kTsig = 250;
constexpr std::uint16_t kIxfr = 251;
constexpr std::uint16_t kAxfr = 252;
constexpr std::uint16_t kMailb = 253;
constexpr std::uint16_t kMaila = 254;
constexpr std::uint16_t kAny = 255;
}  // namespace dns_type

namespace dns_class {
constexpr std::uint16_t kIn = 1;
constexpr std::uint16_t kAny = 255;
}  // namespace dns_class

/// RFC 1035 §4.1.1 RCODE values (and RFC 6891's extended ones need the OPT record).
namespace dns_rcode {
constexpr std::uint8_t kNoError = 0;
constexpr std::uint8_t kFormErr = 1;
constexpr std::uint8_t kServFail = 2;
constexpr std::uint8_t kNxDomain = 3;
constexpr std::uint8_t kNotImp = 4;
constexpr std::uint8_t kRefused = 5;
}  // namespace dns_rcode

/// "A", "AAAA", "MX" …; "TYPE99" for a type without a name here (RFC 3597 §5).
std::string dns_type_name(std::uint16_t type);
/// The type called `name` ("A", "mx", "TYPE99"), or nullopt.
std::optional<std::uint16_t> dns_type_from_name(std::string_view name);
/// Whether records of this type can exist: not 0 (RFC 6895 §3.1: never a type of data), OPT
/// (RFC 6891 §6.1.1: a pseudo-record of one message) and none of 128–255, the range of
/// QTYPEs (ANY, AXFR …) and meta-types (TSIG, TKEY).
bool dns_type_is_data(std::uint16_t type);
/// "NOERROR", "NXDOMAIN" …; "RCODE9" for others.
std::string dns_rcode_name(std::uint8_t rcode);

/// A domain name as its labels, root last and left out (RFC 1035 §3.1). A label is up to
/// 63 bytes of anything; the whole name takes at most 255 bytes on the wire.
struct DnsName {
    static constexpr std::size_t kMaximumLabel = 63;
    static constexpr std::size_t kMaximumWire = 255;

    std::vector<std::string> labels;

    /// Parses presentation text: "www.example.com", "www.example.com." and "." (the root);
    /// `\.` and `\DDD` escape a byte inside a label (RFC 1035 §5.1).
    static tl::expected<DnsName, std::string> parse(std::string_view text);
    /// Presentation text, with a trailing dot; the root is ".".
    std::string to_string() const;
    /// Bytes on the wire, uncompressed: each label with its length byte, then the root's 0.
    std::size_t wire_length() const;
    /// Equal ignoring ASCII case (RFC 4343: DNS names compare that way).
    bool equals(const DnsName& other) const;
    /// True when this name is `zone` or below it, ignoring case.
    bool is_within(const DnsName& zone) const;
    bool operator==(const DnsName&) const = default;
};

struct DnsQuestion {
    DnsName name;
    std::uint16_t type = dns_type::kA;
    std::uint16_t klass = dns_class::kIn;
    bool operator==(const DnsQuestion&) const = default;
};

/// SOA data (RFC 1035 §3.3.13); `minimum` is the negative-caching TTL (RFC 2308 §4).
struct DnsSoa {
    DnsName primary;      ///< MNAME
    DnsName responsible;  ///< RNAME: a mailbox written as a name
    std::uint32_t serial = 0;
    std::uint32_t refresh = 0;
    std::uint32_t retry = 0;
    std::uint32_t expire = 0;
    std::uint32_t minimum = 0;
    bool operator==(const DnsSoa&) const = default;
};

struct DnsMx {
    std::uint16_t preference = 0;
    DnsName exchange;
    bool operator==(const DnsMx&) const = default;
};

struct DnsSrv {
    std::uint16_t priority = 0;
    std::uint16_t weight = 0;
    std::uint16_t port = 0;
    DnsName target;
    bool operator==(const DnsSrv&) const = default;
};

/// One EDNS option of an OPT record (RFC 6891 §6.1.2).
struct DnsOption {
    std::uint16_t code = 0;
    std::vector<std::uint8_t> data;
    bool operator==(const DnsOption&) const = default;
};

/// Character-strings of a TXT record (RFC 1035 §3.3.14), each up to 255 bytes.
struct DnsText {
    std::vector<std::string> strings;
    bool operator==(const DnsText&) const = default;
};

/// A record's data, shaped by its type: A, AAAA, a name (NS, CNAME, PTR), SOA, MX, TXT, SRV,
/// OPT's options; any other type's bytes as they were.
using DnsRdata = std::variant<std::vector<std::uint8_t>, Ipv4Address, Ipv6Address, DnsName, DnsSoa, DnsMx, DnsText,
                              DnsSrv, std::vector<DnsOption>>;

/// A resource record (RFC 1035 §4.1.3). For OPT (RFC 6891 §6.1.2) `klass` is the sender's
/// UDP payload size and `ttl` holds the extended RCODE, version and flags: DnsMessage::edns().
struct DnsRecord {
    DnsName name;
    std::uint16_t type = dns_type::kA;
    std::uint16_t klass = dns_class::kIn;
    std::uint32_t ttl = 0;
    DnsRdata data;
    bool operator==(const DnsRecord&) const = default;
};

/// The header's fields (RFC 1035 §4.1.1, RFC 4035 §3.2 for AD and CD).
struct DnsHeader {
    std::uint16_t id = 0;
    bool response = false;  ///< QR
    std::uint8_t opcode = 0;
    bool authoritative = false;        ///< AA
    bool truncated = false;            ///< TC
    bool recursion_desired = false;    ///< RD
    bool recursion_available = false;  ///< RA
    bool zero = false;                 ///< Z: must be 0, kept as read
    bool authentic_data = false;       ///< AD
    bool checking_disabled = false;    ///< CD
    std::uint8_t rcode = 0;
    bool operator==(const DnsHeader&) const = default;
};

/// What an OPT record says (RFC 6891 §6.1.3).
struct Edns {
    std::uint16_t udp_payload_size = 512;
    std::uint8_t extended_rcode = 0;  ///< the upper 8 bits of the 12-bit RCODE
    std::uint8_t version = 0;
    bool dnssec_ok = false;
    std::vector<DnsOption> options;
};

struct DnsMessage {
    static constexpr std::size_t kHeaderSize = 12;
    /// RFC 1035 §4.2.1: without EDNS a UDP message carries at most this much.
    static constexpr std::size_t kClassicUdpSize = 512;
    static constexpr std::uint16_t kPort = 53;

    DnsHeader header;
    std::vector<DnsQuestion> questions;
    std::vector<DnsRecord> answers;
    std::vector<DnsRecord> authorities;
    std::vector<DnsRecord> additionals;

    /// The OPT record's meaning, when there is one in the additional section.
    std::optional<Edns> edns() const;
    /// Adds an OPT record, or replaces the one there.
    void set_edns(const Edns& edns);
    bool operator==(const DnsMessage&) const = default;
};

/// Parses a DNS message. Refused: anything shorter than its counts promise, a name whose
/// compression pointer does not point strictly backwards (no loops), a name longer than 255
/// bytes or with a label type other than plain and pointer, record data that runs past
/// its RDLENGTH or does not fill it for a type with a shape, and bytes after the last record.
Parsed<DnsMessage> parse_dns(Bytes message);

/// Writes a message, each name compressed against the names before it (RFC 1035 §4.1.4),
/// except inside the data of types other than NS, CNAME, SOA, PTR and MX (RFC 3597 §4).
void write_dns(Writer& out, const DnsMessage& message);

/// The message as it goes in at most `limit` bytes over UDP: if the whole does not fit,
/// records are left out from the end of the additional section backwards, then the
/// authority and answer sections (RFC 2181 §9 asks for whole RRsets: an RRset is never
/// split), with TC set when anything but additional data had to go; an OPT record stays.
std::vector<std::uint8_t> write_dns_within(const DnsMessage& message, std::size_t limit);

}  // namespace emu::wire
