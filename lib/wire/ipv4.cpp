#include "lib/wire/ipv4.hpp"

#include <algorithm>

#include "lib/wire/checksum.hpp"

namespace emu::wire {
namespace {

constexpr std::uint16_t kReservedFlag = 0x8000;
constexpr std::uint16_t kDontFragment = 0x4000;
constexpr std::uint16_t kMoreFragments = 0x2000;
constexpr std::size_t kMaximumOptions = 40;

std::size_t padded_options_size(const Ipv4Header& header) {
    return std::min(kMaximumOptions, (header.options.size() + 3) / 4 * 4);
}

}  // namespace

namespace {

/// Reads and checks the fixed header and the options; the reader is left at the payload.
tl::expected<void, WireError> read_header(Reader& in, Ipv4Header& header) {
    auto version_and_length = in.u8("version and header length");
    header.type_of_service = in.u8("type of service");
    header.total_length = in.u16("total length");
    header.identification = in.u16("identification");
    auto flags_and_offset = in.u16("flags and fragment offset");
    header.ttl = in.u8("TTL");
    header.protocol = in.u8("protocol");
    header.checksum = in.u16("header checksum");
    header.source.value = in.u32("source address");
    header.destination.value = in.u32("destination address");
    if (in.failed()) return tl::unexpected(in.error());

    if (version_and_length >> 4 != 4) {
        return tl::unexpected(WireError{"version " + std::to_string(version_and_length >> 4) + ", not 4", 0});
    }
    std::size_t header_length = (version_and_length & 0x0f) * 4u;
    if (header_length < Ipv4Header::kMinimumSize) {
        return tl::unexpected(WireError{"header length " + std::to_string(header_length) + " is below 20", 0});
    }
    if (header.total_length < header_length) {
        return tl::unexpected(WireError{"total length " + std::to_string(header.total_length) +
                                            " is shorter than the header (" + std::to_string(header_length) + ")",
                                        2});
    }
    auto options = in.bytes(header_length - Ipv4Header::kMinimumSize, "options");
    if (in.failed()) return tl::unexpected(in.error());
    header.options.assign(options.begin(), options.end());
    header.reserved_flag = (flags_and_offset & kReservedFlag) != 0;
    header.dont_fragment = (flags_and_offset & kDontFragment) != 0;
    header.more_fragments = (flags_and_offset & kMoreFragments) != 0;
    header.fragment_offset = flags_and_offset & 0x1fff;
    return {};
}

}  // namespace

Parsed<Ipv4Packet> parse_ipv4(Bytes bytes) {
    Reader in(bytes);
    Ipv4Packet packet;
    if (auto read = read_header(in, packet.header); !read) return tl::unexpected(read.error());
    auto header_length = packet.header.header_length();
    packet.payload = in.bytes(packet.header.total_length - header_length, "payload (as total length says)");
    if (in.failed()) return tl::unexpected(in.error());
    InternetChecksum checksum;
    checksum.add(bytes.first(header_length));
    packet.checksum_valid = checksum.value() == 0;
    return packet;
}

Parsed<QuotedIpv4> parse_quoted_ipv4(Bytes bytes) {
    Reader in(bytes);
    QuotedIpv4 quoted;
    if (auto read = read_header(in, quoted.header); !read) return tl::unexpected(read.error());
    auto rest = in.rest();
    quoted.leading_payload = rest.first(std::min(rest.size(), quoted.header.total_length - quoted.header.header_length()));
    return quoted;
}

void write_ipv4(Writer& out, const Ipv4Header& header) {
    auto options_size = padded_options_size(header);
    out.u8(static_cast<std::uint8_t>(0x40 | (Ipv4Header::kMinimumSize + options_size) / 4));
    out.u8(header.type_of_service);
    out.u16(header.total_length);
    out.u16(header.identification);
    out.u16(static_cast<std::uint16_t>((header.reserved_flag ? kReservedFlag : 0) |
                                       (header.dont_fragment ? kDontFragment : 0) |
                                       (header.more_fragments ? kMoreFragments : 0) | (header.fragment_offset & 0x1fff)));
    out.u8(header.ttl);
    out.u8(header.protocol);
    out.u16(header.checksum);
    out.u32(header.source.value);
    out.u32(header.destination.value);
    auto kept = std::min(options_size, header.options.size());
    out.bytes(Bytes(header.options).first(kept));
    out.zeros(options_size - kept);
}

void Ipv4Header::finish(std::size_t payload_size) {
    total_length = static_cast<std::uint16_t>(kMinimumSize + padded_options_size(*this) + payload_size);
    checksum = 0;
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write_ipv4(out, *this);
    InternetChecksum sum;
    sum.add(bytes);
    checksum = sum.value();
}

}  // namespace emu::wire
