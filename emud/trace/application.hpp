#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "emud/trace/event.hpp"
#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::trace {

/// Which way a message went on its flow: from the side that opened it (sent the SYN, or
/// sent to the well-known port) or back.
enum class FlowDirection { to_server, to_client };

/// One end of a TCP connection.
struct TcpEndpoint {
    wire::Ipv4Address address;
    std::uint16_t port = 0;
    std::string to_string() const;  ///< "10.0.2.21:21"
    auto operator<=>(const TcpEndpoint&) const = default;
};

/// A TCP connection as the trace follows it: the server is the end at the port a decoder
/// serves (or, for a connection a decoder claimed, the end the first segment went to).
struct TcpFlow {
    TcpEndpoint client;
    TcpEndpoint server;
};

/// The decoder of one TCP connection, which may remember what it has seen of it (the
/// command a reply answers, a message body under way).
class ConnectionDecoder {
public:
    virtual ~ConnectionDecoder() = default;

    /// `buffers[direction]` holds the bytes of each direction that earlier calls left; the
    /// newest have just been appended to `buffers[newest]`. Remove every complete message
    /// from the front of either and return their layers (they go on the frame that brought
    /// the newest bytes); leave an incomplete one for a later call.
    virtual std::vector<Layer> on_bytes(std::array<std::vector<std::uint8_t>, 2>& buffers, FlowDirection newest) = 0;

    /// Bytes of one direction were never captured: what that direction's buffer held before
    /// them is gone, and the bytes that follow may start in the middle of a message. A
    /// decoder that remembers a message under way in that direction forgets it here.
    virtual void on_gap(FlowDirection) {}
};

/// The decoder of one application protocol (DHCP, DNS, HTTP, FTP, …), plugged into the
/// trace. The trace hands it UDP payloads, and for TCP opens a ConnectionDecoder per
/// connection, which gets the bytes of each direction in order, reassembled across
/// segments. One instance per lab; it sees every flow it serves.
class ApplicationDecoder {
public:
    virtual ~ApplicationDecoder() = default;

    /// True when a flow to this server port speaks the protocol.
    virtual bool serves(std::uint8_t ip_protocol, std::uint16_t server_port) const = 0;

    /// One UDP payload: the layers of the message in it (none when it is not one).
    virtual std::vector<Layer> datagram(wire::Bytes payload, FlowDirection direction) = 0;

    /// The decoder of a new connection to a port this decoder serves. By default one that
    /// hands each direction's new bytes to stream(): enough for a protocol whose messages
    /// each say all about themselves.
    virtual std::unique_ptr<ConnectionDecoder> open_connection(const TcpFlow& flow);

    /// A new connection between ports no decoder serves, seen first going from
    /// `flow.client` to `flow.server`: the decoder that was told of it on a connection of
    /// its own (FTP's data connections, announced on the control connection) returns one
    /// for it; the others nothing.
    virtual std::unique_ptr<ConnectionDecoder> claim_connection(const TcpFlow& flow);

    /// For the default connection decoder: `buffer` holds the bytes of one direction that
    /// earlier calls left, the newest just appended. Remove every complete message from its
    /// front and return their layers; leave an incomplete one for the next call.
    virtual std::vector<Layer> stream(std::vector<std::uint8_t>& buffer, FlowDirection direction);
};

using ApplicationDecoders = std::vector<std::unique_ptr<ApplicationDecoder>>;

/// A fresh set of every application decoder emu has, for one lab's trace.
ApplicationDecoders make_application_decoders();

}  // namespace emu::trace
