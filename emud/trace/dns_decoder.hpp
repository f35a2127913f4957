#pragma once

#include "emud/trace/application.hpp"
#include "lib/wire/dns.hpp"

namespace emu::trace {

/// DNS in the trace (RFC 1035): UDP and TCP on port 53 (over TCP each message after its
/// two-byte length, RFC 1035 §4.2.2), one layer per message: "DNS query A www.example.com
/// id=0x1a2b", "DNS response A www.example.com → 10.0.2.80 id=0x1a2b".
class DnsDecoder : public ApplicationDecoder {
public:
    bool serves(std::uint8_t ip_protocol, std::uint16_t server_port) const override;
    std::vector<Layer> datagram(wire::Bytes payload, FlowDirection direction) override;
    std::vector<Layer> stream(std::vector<std::uint8_t>& buffer, FlowDirection direction) override;
};

/// The trace's layer for one DNS message; `transport` is "UDP" or "TCP".
Layer dns_layer(const wire::DnsMessage& message, std::size_t size, const char* transport);

}  // namespace emu::trace
