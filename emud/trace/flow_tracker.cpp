#include "emud/trace/flow_tracker.hpp"

#include <algorithm>

namespace emu::trace {

ApplicationDecoder* FlowTracker::decoder_for(std::uint8_t protocol, std::uint16_t port) const {
    for (const auto& decoder : decoders_) {
        if (decoder->serves(protocol, port)) return decoder.get();
    }
    return nullptr;
}

std::vector<Layer> FlowTracker::on_frame_deferred(const wire::DecodedFrame& frame, std::uint32_t segment) {
    if (decoders_.empty() || !frame.ipv4 || frame.ipv4->header.is_fragment()) return {};
    if (frame.tcp) return on_tcp(*frame.ipv4, *frame.tcp, segment);
    if (frame.udp) return on_udp(*frame.udp);
    return {};
}

std::vector<Layer> FlowTracker::on_udp(const wire::UdpDatagram& udp) {
    // The well-known port says which side is the server; a reply comes from it.
    if (auto* decoder = decoder_for(wire::ip_protocol::kUdp, udp.header.destination_port)) {
        return decoder->datagram(udp.payload, FlowDirection::to_server);
    }
    if (auto* decoder = decoder_for(wire::ip_protocol::kUdp, udp.header.source_port)) {
        return decoder->datagram(udp.payload, FlowDirection::to_client);
    }
    return {};
}

std::unique_ptr<ConnectionDecoder> FlowTracker::open(const Endpoint& source, const Endpoint& destination,
                                                     Endpoint& server) {
    auto endpoint = [](const Endpoint& end) { return TcpEndpoint{wire::Ipv4Address{end.address}, end.port}; };
    // The well-known port says which side is the server.
    if (auto* decoder = decoder_for(wire::ip_protocol::kTcp, destination.port)) {
        server = destination;
        return decoder->open_connection({endpoint(source), endpoint(destination)});
    }
    if (auto* decoder = decoder_for(wire::ip_protocol::kTcp, source.port)) {
        server = source;
        return decoder->open_connection({endpoint(destination), endpoint(source)});
    }
    // Or a decoder was told of this connection on another one (FTP's data connections): the
    // end it was told of listens, which is the destination of a SYN, and the source of an
    // answer when the capture began after the SYN.
    for (const auto& decoder : decoders_) {
        if (auto connection = decoder->claim_connection({endpoint(source), endpoint(destination)})) {
            server = destination;
            return connection;
        }
        if (auto connection = decoder->claim_connection({endpoint(destination), endpoint(source)})) {
            server = source;
            return connection;
        }
    }
    return nullptr;
}

std::vector<Layer> FlowTracker::on_tcp(const wire::Ipv4Packet& ip, const wire::TcpSegment& tcp, std::uint32_t segment) {
    Endpoint source{ip.header.source.value, tcp.header.source_port};
    Endpoint destination{ip.header.destination.value, tcp.header.destination_port};
    FlowKey key = source < destination ? FlowKey{segment, source, destination} : FlowKey{segment, destination, source};
    auto it = connections_.find(key);
    if (it == connections_.end()) {
        // A flow is followed from its first segment that a decoder wants.
        Endpoint server;
        auto decoder = open(source, destination, server);
        if (!decoder) return {};
        if (connections_.size() >= kMaxConnections) {
            connections_.erase(recent_.back());
            recent_.pop_back();
        }
        recent_.push_front(key);
        it = connections_.emplace(key, Connection{server, std::move(decoder), {}, {}, recent_.begin()}).first;
    } else {
        recent_.splice(recent_.begin(), recent_, it->second.recency);
    }
    auto& connection = it->second;
    auto direction = source == connection.server ? FlowDirection::to_client : FlowDirection::to_server;
    auto index = static_cast<std::size_t>(direction);
    auto& buffer = connection.buffers[index];
    auto before = buffer.size();
    bool gap = false;
    // Each stream's bytes; a gap given up drops the unfinished message before it.
    auto take = [&](FlowDirection way, auto&& deliver) {
        auto& stream = connection.streams[static_cast<std::size_t>(way)];
        auto& bytes = connection.buffers[static_cast<std::size_t>(way)];
        auto skipped = stream.skipped();
        deliver(stream, bytes);
        if (stream.skipped() == skipped) return;
        auto cut = std::min(stream.last_gap_at(), bytes.size());
        bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
        if (way == direction) before = 0;
        connection.decoder->on_gap(way);
        gap = true;
    };
    take(direction, [&](TcpStreamReassembler& stream, std::vector<std::uint8_t>& bytes) {
        stream.on_segment(tcp.header.sequence, tcp.header.has(wire::tcp_flag::kSyn),
                          tcp.header.has(wire::tcp_flag::kFin), tcp.payload, bytes);
    });
    // What this segment acknowledges the other end received: a gap in that direction before
    // it was never captured, and will not be sent again.
    auto other = direction == FlowDirection::to_server ? FlowDirection::to_client : FlowDirection::to_server;
    if (tcp.header.has(wire::tcp_flag::kAck)) {
        take(other, [&](TcpStreamReassembler& stream, std::vector<std::uint8_t>& bytes) {
            stream.on_acknowledged(tcp.header.acknowledgment, bytes);
        });
    }
    std::vector<Layer> layers;
    if (buffer.size() > before || gap) layers = connection.decoder->on_bytes(connection.buffers, direction);
    if (buffer.size() > kMaxBuffered) buffer.clear();
    bool closed = tcp.header.has(wire::tcp_flag::kRst) ||
                  (connection.streams[0].finished() && connection.streams[1].finished());
    if (closed) {
        recent_.erase(connection.recency);
        connections_.erase(it);
    }
    return layers;
}

}  // namespace emu::trace
