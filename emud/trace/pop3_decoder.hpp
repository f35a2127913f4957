#pragma once

#include "emud/trace/application.hpp"

namespace emu::trace {

/// POP3 in the trace (RFC 1939): TCP to port 110, a layer per command ("POP3 RETR 1") and
/// per response, on the frame that ends it: "POP3 +OK 115 octets (115 bytes, Subject:
/// notes, from alice@a.example)". Whether a response has content (and so ends at a lone
/// period) depends on the command it answers, so the connection remembers the commands in
/// order (RFC 2449 §6.6 lets a client pipeline them). AUTH's challenges and the client's
/// answers to them (RFC 5034) are shown as such.
class Pop3Decoder : public ApplicationDecoder {
public:
    bool serves(std::uint8_t ip_protocol, std::uint16_t server_port) const override;
    std::vector<Layer> datagram(wire::Bytes payload, FlowDirection direction) override;
    std::unique_ptr<ConnectionDecoder> open_connection(const TcpFlow& flow) override;
};

}  // namespace emu::trace
