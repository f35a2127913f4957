#pragma once

#include "emud/trace/application.hpp"
#include "lib/wire/dhcp.hpp"

namespace emu::trace {

/// DHCP in the trace (RFC 2131): UDP to or from ports 67 and 68, one layer per message,
/// "DHCP DISCOVER xid=0x… chaddr=…", with the options a reader of the exchange wants as fields.
class DhcpDecoder : public ApplicationDecoder {
public:
    bool serves(std::uint8_t ip_protocol, std::uint16_t server_port) const override;
    std::vector<Layer> datagram(wire::Bytes payload, FlowDirection direction) override;
    std::vector<Layer> stream(std::vector<std::uint8_t>& buffer, FlowDirection direction) override;
};

/// The trace's layer for one DHCP message.
Layer dhcp_layer(const wire::DhcpMessage& message);

}  // namespace emu::trace
