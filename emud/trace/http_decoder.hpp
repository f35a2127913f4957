#pragma once

#include "emud/trace/application.hpp"
#include "lib/wire/http.hpp"

namespace emu::trace {

/// HTTP/1.1 in the trace (RFC 9112): TCP to port 80, one layer per request and per response,
/// on the segment that completes the message, body included: "HTTP GET / Host: www.example.com",
/// "HTTP 200 OK 1234 bytes text/html". Pipelined messages in one segment each get their layer.
/// Whether a response has a body depends on the request it answers (RFC 9112 §6.3 rules 1–2:
/// none to HEAD, nor for 1xx, 204, 304, a 2xx to CONNECT), so the connection keeps the
/// methods of its requests in order, as they arrive, and each final response takes the
/// oldest.
class HttpDecoder : public ApplicationDecoder {
public:
    bool serves(std::uint8_t ip_protocol, std::uint16_t server_port) const override;
    std::vector<Layer> datagram(wire::Bytes payload, FlowDirection direction) override;
    std::unique_ptr<ConnectionDecoder> open_connection(const TcpFlow& flow) override;
};

}  // namespace emu::trace
