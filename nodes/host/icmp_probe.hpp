#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::host {

/// What ping and traceroute send. ICMP echo requests (RFC 792) are ping's and
/// `traceroute -I`'s; UDP datagrams to a port nobody listens on are traceroute's by default,
/// as the seed tells it: the routers on the way answer "time exceeded", the destination
/// "port unreachable".
enum class ProbeProtocol { icmp_echo, udp };

/// What a probe carries that an answer quotes back, so that answers to some other program's
/// probes are told apart from ours.
struct ProbeIdentity {
    ProbeProtocol protocol = ProbeProtocol::icmp_echo;
    wire::Ipv4Address destination;
    std::uint16_t identifier = 0;  ///< the echo identifier, or the UDP source port
    std::size_t data_size = 0;     ///< bytes of echo data, to check that a reply brings them back
};

/// An ICMP message that answers one of our probes.
struct ProbeAnswer {
    wire::Ipv4Address responder;    ///< who sent it
    std::uint8_t ttl = 0;           ///< its TTL when it got here
    std::uint8_t type = 0;          ///< the ICMP type (wire::icmp_type)
    std::uint8_t code = 0;
    std::uint32_t rest_of_header = 0;  ///< the MTU of "fragmentation needed", a parameter problem's pointer
    std::uint16_t sequence = 0;     ///< the echo sequence number, or the UDP destination port
    std::size_t icmp_size = 0;      ///< bytes of ICMP, header included ("64 bytes from")
    bool data_intact = true;        ///< an echo reply brought our data back unchanged

    bool is_echo_reply() const;
    bool is_time_exceeded() const;
    /// The probe got where it was sent: the destination's echo reply, or its "port
    /// unreachable" for a UDP probe.
    bool reached_destination() const;
};

/// An echo request: identifier, sequence number and `data_size` bytes of a known pattern.
std::vector<std::uint8_t> echo_request(std::uint16_t identifier, std::uint16_t sequence, std::size_t data_size);

/// The payload of a UDP probe: `size` bytes of the same pattern.
std::vector<std::uint8_t> probe_data(std::size_t size);

/// Reads a datagram from a raw ICMP socket (the IP header first): the answer to one of
/// `probe`'s, or nullopt for anything else — an answer to another program, a bad checksum,
/// an error whose quote is too short to say whose probe it was.
std::optional<ProbeAnswer> read_probe_answer(wire::Bytes datagram, const ProbeIdentity& probe);

/// How ping tells an ICMP error: "Time to live exceeded", "Destination Host Unreachable".
std::string describe_icmp_error(const ProbeAnswer& answer);

/// How traceroute marks an answer after its round trip: "!H" for host unreachable, "!N",
/// "!P", "!X" (administratively prohibited), "!F-1400" (fragmentation needed, the next
/// hop's MTU); empty for time exceeded and for the destination's own answer.
std::string traceroute_annotation(const ProbeAnswer& answer, ProbeProtocol protocol);

}  // namespace emu::host
