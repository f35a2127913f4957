#pragma once

#include "emud/trace/application.hpp"
#include "lib/wire/rip.hpp"

namespace emu::trace {

/// RIP in the trace (RFC 2453): UDP to port 520, one layer per message, "RIP response 3 routes:
/// 10.0.1.0/24 metric 1, …", each route as a field.
class RipDecoder : public ApplicationDecoder {
public:
    bool serves(std::uint8_t ip_protocol, std::uint16_t server_port) const override;
    std::vector<Layer> datagram(wire::Bytes payload, FlowDirection direction) override;
    std::vector<Layer> stream(std::vector<std::uint8_t>& buffer, FlowDirection direction) override;
};

/// The trace's layer for one RIP message.
Layer rip_layer(const wire::RipMessage& message);

}  // namespace emu::trace
