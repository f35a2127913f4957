#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "emud/trace/event.hpp"
#include "lib/wire/buffer.hpp"

namespace emu::trace {

/// Which way a message went on its flow: from the side that opened it (sent the SYN, or
/// sent to the well-known port) or back.
enum class FlowDirection { to_server, to_client };

/// The decoder of one application protocol (DHCP, DNS, HTTP, …), plugged into the trace.
/// The trace hands it UDP payloads, and for TCP the bytes of each direction in order,
/// reassembled across segments, and puts the layers it returns on the frame that
/// completed each message. One instance per lab; it sees every flow it serves.
class ApplicationDecoder {
public:
    virtual ~ApplicationDecoder() = default;

    /// True when a flow to this server port speaks the protocol.
    virtual bool serves(std::uint8_t ip_protocol, std::uint16_t server_port) const = 0;

    /// One UDP payload: the layers of the message in it (none when it is not one).
    virtual std::vector<Layer> datagram(wire::Bytes payload, FlowDirection direction) = 0;

    /// `buffer` holds the bytes of one direction of a TCP connection that earlier calls left:
    /// the newest bytes have just been appended. Remove every complete message from its
    /// front and return their layers; leave an incomplete one for the next call.
    virtual std::vector<Layer> stream(std::vector<std::uint8_t>& buffer, FlowDirection direction) = 0;
};

using ApplicationDecoders = std::vector<std::unique_ptr<ApplicationDecoder>>;

/// A fresh set of every application decoder emu has, for one lab's trace.
ApplicationDecoders make_application_decoders();

}  // namespace emu::trace
