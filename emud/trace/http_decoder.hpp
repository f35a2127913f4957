#pragma once

#include "emud/trace/application.hpp"
#include "lib/wire/http.hpp"

namespace emu::trace {

/// HTTP/1.1 in the trace (RFC 9112): TCP to port 80, one layer per request and per response,
/// on the segment that completes the message, body included: "HTTP GET / Host: www.example.com",
/// "HTTP 200 OK 1234 bytes text/html". Pipelined messages in one segment each get their layer.
class HttpDecoder : public ApplicationDecoder {
public:
    bool serves(std::uint8_t ip_protocol, std::uint16_t server_port) const override;
    std::vector<Layer> datagram(wire::Bytes payload, FlowDirection direction) override;
    std::vector<Layer> stream(std::vector<std::uint8_t>& buffer, FlowDirection direction) override;
};

}  // namespace emu::trace
