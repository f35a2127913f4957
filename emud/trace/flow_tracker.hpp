#pragma once

#include <array>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <vector>

#include "emud/trace/application.hpp"
#include "emud/trace/tcp_reassembly.hpp"
#include "lib/wire/frame.hpp"

namespace emu::trace {

/// Follows the flows of a lab's frames in capture order and runs the application decoders
/// on them: TCP reassembled per connection and direction, UDP per datagram. Bounded: at
/// most kMaxConnections TCP connections are followed, the least recently active dropped
/// first. One per lab, on the capture thread.
class FlowTracker {
public:
    static constexpr std::size_t kMaxConnections = 4096;
    /// A direction's undecoded bytes past this are dropped: no message of ours is that long.
    static constexpr std::size_t kMaxBuffered = 4 << 20;

    explicit FlowTracker(ApplicationDecoders decoders) : decoders_(std::move(decoders)) {}

    bool has_decoders() const { return !decoders_.empty(); }

    /// The application layers this frame completes (usually none). `segment` says where it
    /// was seen: a connection crossing a router is followed on each side of it, so its
    /// messages show on every LAN they cross.
    std::vector<Layer> on_frame(const wire::DecodedFrame& frame, std::uint32_t segment = 0) {
        return expanded(on_frame_deferred(frame, segment));
    }
    /// The same, with the layers that decoders deferred left to be made when they are read
    /// (Layer::deferred): what the capture keeps.
    std::vector<Layer> on_frame_deferred(const wire::DecodedFrame& frame, std::uint32_t segment = 0);

private:
    struct Endpoint {
        std::uint32_t address = 0;
        std::uint16_t port = 0;
        auto operator<=>(const Endpoint&) const = default;
    };
    struct FlowKey {
        std::uint32_t segment = 0;
        Endpoint low;   // the smaller endpoint
        Endpoint high;
        auto operator<=>(const FlowKey&) const = default;
    };

    struct Connection {
        Endpoint server;
        std::unique_ptr<ConnectionDecoder> decoder;
        std::array<TcpStreamReassembler, 2> streams;  // indexed by FlowDirection
        std::array<std::vector<std::uint8_t>, 2> buffers;
        std::list<FlowKey>::iterator recency;
    };

    ApplicationDecoder* decoder_for(std::uint8_t protocol, std::uint16_t port) const;
    /// The decoder for a connection first seen going from `source` to `destination`, and
    /// which end is its server; null when no decoder wants it.
    std::unique_ptr<ConnectionDecoder> open(const Endpoint& source, const Endpoint& destination, Endpoint& server);
    std::vector<Layer> on_tcp(const wire::Ipv4Packet& ip, const wire::TcpSegment& tcp, std::uint32_t segment);
    std::vector<Layer> on_udp(const wire::UdpDatagram& udp);

    // Declared first, so that the connections' decoders, which may refer to their
    // protocol's decoder, go before it.
    ApplicationDecoders decoders_;
    std::map<FlowKey, Connection> connections_;
    std::list<FlowKey> recent_;  // most recently active first
};

}  // namespace emu::trace
