#pragma once

#include "emud/trace/application.hpp"

namespace emu::trace {

/// SMTP in the trace (RFC 5321): TCP to port 25 (and 587, submission), a layer per command
/// ("SMTP MAIL FROM:<alice@a.example>"), per reply ("SMTP 354 End data with
/// <CR><LF>.<CR><LF>") and per message, on the frame that ends it ("SMTP message 412 bytes,
/// Subject: notes, from alice@a.example"). A message starts after the server's 354 to DATA
/// and ends at the lone period (dot-stuffing undone, §4.5.2), or is sent in BDAT chunks
/// (RFC 3030).
class SmtpDecoder : public ApplicationDecoder {
public:
    bool serves(std::uint8_t ip_protocol, std::uint16_t server_port) const override;
    std::vector<Layer> datagram(wire::Bytes payload, FlowDirection direction) override;
    std::unique_ptr<ConnectionDecoder> open_connection(const TcpFlow& flow) override;
};

}  // namespace emu::trace
