#include "lib/wire/icmp.hpp"

#include "lib/wire/checksum.hpp"

namespace emu::wire {

bool IcmpHeader::is_error() const {
    return type == icmp_type::kDestinationUnreachable || type == icmp_type::kRedirect ||
           type == icmp_type::kTimeExceeded || type == icmp_type::kParameterProblem;
}

IcmpHeader IcmpHeader::echo(std::uint8_t type, std::uint16_t identifier, std::uint16_t sequence) {
    IcmpHeader header;
    header.type = type;
    header.rest_of_header = static_cast<std::uint32_t>(identifier) << 16 | sequence;
    return header;
}

void IcmpHeader::finish(Bytes body) {
    checksum = 0;
    InternetChecksum sum;
    sum.add_u16(static_cast<std::uint16_t>(type << 8 | code));
    sum.add_u32(rest_of_header);
    sum.add(body);
    checksum = sum.value();
}

Parsed<IcmpMessage> parse_icmp(Bytes bytes) {
    Reader in(bytes);
    IcmpMessage message;
    message.header.type = in.u8("type");
    message.header.code = in.u8("code");
    message.header.checksum = in.u16("checksum");
    message.header.rest_of_header = in.u32("rest of header");
    if (in.failed()) return tl::unexpected(in.error());
    message.body = in.rest();
    InternetChecksum sum;
    sum.add(bytes);
    message.checksum_valid = sum.value() == 0;
    if (message.header.is_error()) {
        // A quote that does not parse leaves the message readable; the trace shows it without.
        if (auto quoted = parse_quoted_ipv4(message.body)) message.quoted = std::move(*quoted);
    }
    return message;
}

void write_icmp(Writer& out, const IcmpHeader& header) {
    out.u8(header.type);
    out.u8(header.code);
    out.u16(header.checksum);
    out.u32(header.rest_of_header);
}

}  // namespace emu::wire
