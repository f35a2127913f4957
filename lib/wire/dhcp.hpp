#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"
#include "lib/wire/mac_address.hpp"

namespace emu::wire {

/// DHCP option codes this code gives a name and a checked length to (RFC 2132, RFC 3046).
/// Any other code is carried through as bytes.
namespace dhcp_option {
constexpr std::uint8_t kPad = 0;
constexpr std::uint8_t kSubnetMask = 1;
constexpr std::uint8_t kRouter = 3;
constexpr std::uint8_t kDomainNameServer = 6;
constexpr std::uint8_t kHostName = 12;
constexpr std::uint8_t kDomainName = 15;
constexpr std::uint8_t kBroadcastAddress = 28;
constexpr std::uint8_t kRequestedAddress = 50;
constexpr std::uint8_t kLeaseTime = 51;
constexpr std::uint8_t kOverload = 52;
constexpr std::uint8_t kMessageType = 53;
constexpr std::uint8_t kServerIdentifier = 54;
constexpr std::uint8_t kParameterRequestList = 55;
constexpr std::uint8_t kMessage = 56;
constexpr std::uint8_t kMaximumMessageSize = 57;
constexpr std::uint8_t kRenewalTime = 58;
constexpr std::uint8_t kRebindingTime = 59;
constexpr std::uint8_t kVendorClass = 60;
constexpr std::uint8_t kClientIdentifier = 61;
constexpr std::uint8_t kRelayAgentInformation = 82;
constexpr std::uint8_t kEnd = 255;
}  // namespace dhcp_option

/// Sub-options of the relay agent information option (RFC 3046 §2.0).
namespace relay_agent_suboption {
constexpr std::uint8_t kCircuitId = 1;
constexpr std::uint8_t kRemoteId = 2;
}  // namespace relay_agent_suboption

/// Option 53 (RFC 2132 §9.6).
enum class DhcpMessageType : std::uint8_t {
    discover = 1,
    offer = 2,
    request = 3,
    decline = 4,
    ack = 5,
    nak = 6,
    release = 7,
    inform = 8,
};

/// "DISCOVER", "OFFER", …; "type N" for a value RFC 2132 does not name.
std::string to_string(DhcpMessageType type);

/// One option, or one sub-option of option 82: a code and its bytes. RFC 3396: several
/// instances of one code in a message are one option whose data is theirs, concatenated.
struct DhcpOption {
    std::uint8_t code = 0;
    std::vector<std::uint8_t> data;
    auto operator<=>(const DhcpOption&) const = default;
};

/// A DHCP message (RFC 2131 §2): the BOOTP header and the options. `options` are in the
/// order they first appear, those from overloaded `file` and `sname` fields after those
/// of the options field (RFC 2131 §4.1), without pad, end and the overload option itself;
/// the overloaded fields are then left zero here, since they held options, not names.
struct DhcpMessage {
    static constexpr std::size_t kFixedSize = 236;       ///< up to and including `file`
    static constexpr std::uint32_t kMagicCookie = 0x63825363;  ///< RFC 2131 §3: 99.130.83.99
    static constexpr std::size_t kMinimumSize = 300;     ///< RFC 1542 §2.1: a BOOTP message is at least this long
    static constexpr std::size_t kDefaultMaximumSize = 576;  ///< RFC 2131 §2: what every client must accept
    static constexpr std::uint8_t kBootRequest = 1;
    static constexpr std::uint8_t kBootReply = 2;
    static constexpr std::uint16_t kBroadcastFlag = 0x8000;  ///< RFC 2131 §2, Figure 2
    static constexpr std::uint16_t kServerPort = 67;
    static constexpr std::uint16_t kClientPort = 68;

    std::uint8_t op = kBootRequest;
    std::uint8_t hardware_type = 1;    ///< htype: 1 is Ethernet
    std::uint8_t hardware_length = 6;  ///< hlen: at most 16
    std::uint8_t hops = 0;             ///< relay agents count themselves here
    std::uint32_t xid = 0;
    std::uint16_t seconds = 0;
    std::uint16_t flags = 0;
    Ipv4Address client_address;  ///< ciaddr: the client's, when it has one it may use
    Ipv4Address your_address;    ///< yiaddr: the address offered or assigned
    Ipv4Address server_address;  ///< siaddr: the next server (boot); not the server identifier
    Ipv4Address relay_address;   ///< giaddr: the relay agent that forwarded it
    std::array<std::uint8_t, 16> client_hardware{};  ///< chaddr
    std::array<std::uint8_t, 64> server_name{};      ///< sname
    std::array<std::uint8_t, 128> boot_file{};       ///< file
    std::vector<DhcpOption> options;

    /// The value of option 53, when it is there with its one byte.
    std::optional<DhcpMessageType> message_type() const;
    /// The option with this code, or null.
    const DhcpOption* find(std::uint8_t code) const;
    /// Sets an option, replacing one of the same code (keeping its place) or appending.
    void set(std::uint8_t code, std::vector<std::uint8_t> data);
    void set_address(std::uint8_t code, Ipv4Address address);
    void set_addresses(std::uint8_t code, const std::vector<Ipv4Address>& addresses);
    void set_u32(std::uint8_t code, std::uint32_t value);
    void set_text(std::uint8_t code, const std::string& text);
    /// Removes the option with this code, if there is one.
    void erase(std::uint8_t code);

    /// The option as one address (4 bytes), a list of addresses, a 32- or 16-bit number or
    /// text; nullopt (or empty) when absent or not of that shape.
    std::optional<Ipv4Address> address(std::uint8_t code) const;
    std::vector<Ipv4Address> addresses(std::uint8_t code) const;
    std::optional<std::uint32_t> u32(std::uint8_t code) const;
    std::optional<std::uint16_t> u16(std::uint8_t code) const;
    std::optional<std::string> text(std::uint8_t code) const;

    /// The first six bytes of chaddr: the client's MAC on Ethernet.
    MacAddress client_mac() const;
    void set_client_mac(const MacAddress& mac);
    bool broadcast() const { return (flags & kBroadcastFlag) != 0; }
    bool operator==(const DhcpMessage&) const = default;
};

/// Parses a DHCP message (a UDP payload). Refused: less than the fixed header, hlen over
/// 16, no magic cookie (plain BOOTP is not DHCP), an option running past its field, an
/// options field without the end option, a malformed overload option, and a known option
/// whose length its RFC forbids (a message type of two bytes, a router list of 6 …).
Parsed<DhcpMessage> parse_dhcp(Bytes payload);

/// Writes a message: the options after the cookie, each longer than 255 bytes split into
/// instances (RFC 3396 §5), then the end option, then zeros up to kMinimumSize. With a
/// `maximum_size` (the client's option 57, or kDefaultMaximumSize), options that do not
/// fit spill into `file`, then `sname`, with an overload option (RFC 2131 §4.1); returns
/// false when even that is not enough (the message is then written whole, too long).
bool write_dhcp(Writer& out, const DhcpMessage& message, std::size_t maximum_size = 0);

/// How a reply reaches a client on the client's own link, from the reply's fields (RFC 2131
/// §4.1): a NAK, or a reply asking for broadcast, is broadcast; one to a client with an
/// address (ciaddr) is unicast to it; any other goes to yiaddr at chaddr without ARP, since
/// the client cannot answer ARP for an address it does not have yet. Used by the server for
/// clients on its own links and by a relay agent for the replies it hands on.
struct ClientDelivery {
    enum class Kind { unicast, broadcast, hardware };
    Kind kind = Kind::broadcast;
    Ipv4Address ip;  ///< the destination address (255.255.255.255 for broadcast)
    MacAddress mac;  ///< for `hardware`: the client's
};
ClientDelivery client_delivery(const DhcpMessage& reply);

/// The sub-options of a relay agent information option (RFC 3046 §2.0): refused when
/// one runs past the end.
Parsed<std::vector<DhcpOption>> parse_relay_agent_information(Bytes data);
/// The option's data from sub-options.
std::vector<std::uint8_t> make_relay_agent_information(const std::vector<DhcpOption>& suboptions);

}  // namespace emu::wire
