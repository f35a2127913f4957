#include "lib/wire/tcp.hpp"

#include <algorithm>

#include "lib/wire/checksum.hpp"
#include "lib/wire/ipv4.hpp"

namespace emu::wire {
namespace {

namespace option_kind {
constexpr std::uint8_t kEnd = 0;
constexpr std::uint8_t kNop = 1;
constexpr std::uint8_t kMaximumSegmentSize = 2;
constexpr std::uint8_t kWindowScale = 3;
constexpr std::uint8_t kSackPermitted = 4;
constexpr std::uint8_t kSack = 5;
constexpr std::uint8_t kTimestamps = 8;
}  // namespace option_kind

std::string option_name(std::uint8_t kind) {
    switch (kind) {
        case option_kind::kMaximumSegmentSize: return "MSS";
        case option_kind::kWindowScale: return "window scale";
        case option_kind::kSackPermitted: return "SACK-permitted";
        case option_kind::kSack: return "SACK";
        case option_kind::kTimestamps: return "timestamps";
        default: return "kind " + std::to_string(kind);
    }
}

}  // namespace

std::string tcp_flag_names(std::uint8_t flags) {
    // Header order is CWR..FIN; a trace reads best with the handshake flags first.
    static constexpr std::pair<std::uint8_t, const char*> kNames[] = {
        {tcp_flag::kSyn, "SYN"}, {tcp_flag::kFin, "FIN"}, {tcp_flag::kRst, "RST"}, {tcp_flag::kPsh, "PSH"},
        {tcp_flag::kAck, "ACK"}, {tcp_flag::kUrg, "URG"}, {tcp_flag::kEce, "ECE"}, {tcp_flag::kCwr, "CWR"}};
    std::string names;
    for (auto [flag, name] : kNames) {
        if ((flags & flag) == 0) continue;
        if (!names.empty()) names += ',';
        names += name;
    }
    return names;
}

bool TcpHeader::set_options(Bytes options) {
    if (options.size() > kMaximumOptions || options.size() % 4 != 0) return false;
    std::copy(options.begin(), options.end(), option_bytes_.begin());
    std::fill(option_bytes_.begin() + static_cast<std::ptrdiff_t>(options.size()), option_bytes_.end(), 0);
    option_length_ = static_cast<std::uint8_t>(options.size());
    return true;
}

void TcpHeader::finish(Ipv4Address source, Ipv4Address destination, Bytes payload) {
    checksum = 0;
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write_tcp(out, *this);
    out.bytes(payload);
    checksum = ipv4_transport_checksum(source, destination, ip_protocol::kTcp, bytes);
}

Parsed<TcpOptions> parse_tcp_options(Bytes bytes) {
    Reader in(bytes);
    TcpOptions options;
    while (in.remaining() > 0 && !in.failed()) {
        auto kind = in.u8("option kind");
        if (kind == option_kind::kEnd) break;  // the rest is padding
        if (kind == option_kind::kNop) continue;
        auto length = in.u8("option length");
        if (in.failed()) break;
        if (length < 2) {
            in.fail(option_name(kind) + " option length " + std::to_string(length) + " is below 2");
            break;
        }
        Reader value(in.bytes(length - 2u, "option value"));
        if (in.failed()) break;
        auto expect = [&](std::size_t size) {
            if (length == size) return true;
            in.fail(option_name(kind) + " option length " + std::to_string(length) + ", not " + std::to_string(size));
            return false;
        };
        switch (kind) {
            case option_kind::kMaximumSegmentSize:
                if (expect(4)) options.maximum_segment_size = value.u16("MSS");
                break;
            case option_kind::kWindowScale:
                if (expect(3)) options.window_scale = value.u8("window scale");
                break;
            case option_kind::kSackPermitted:
                if (expect(2)) options.sack_permitted = true;
                break;
            case option_kind::kTimestamps:
                if (expect(10)) {
                    options.timestamp_value = value.u32("TSval");
                    options.timestamp_echo = value.u32("TSecr");
                }
                break;
            case option_kind::kSack:
                if ((length - 2) % 8 != 0) {
                    in.fail("SACK option length " + std::to_string(length) + " is not 2 + 8n");
                    break;
                }
                while (value.remaining() > 0) {
                    SackBlock block;
                    block.left = value.u32("SACK left edge");
                    block.right = value.u32("SACK right edge");
                    options.sack.push_back(block);
                }
                break;
            default: options.unknown_kinds.push_back(kind);
        }
    }
    if (in.failed()) return tl::unexpected(in.error());
    return options;
}

std::vector<std::uint8_t> make_tcp_options(const TcpOptions& options) {
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    if (options.maximum_segment_size) {
        out.u8(option_kind::kMaximumSegmentSize);
        out.u8(4);
        out.u16(*options.maximum_segment_size);
    }
    bool timestamps = options.timestamp_value.has_value();
    if (options.sack_permitted && timestamps) {
        out.u8(option_kind::kSackPermitted);
        out.u8(2);
    } else if (timestamps) {
        out.u8(option_kind::kNop);
        out.u8(option_kind::kNop);
    }
    if (timestamps) {
        out.u8(option_kind::kTimestamps);
        out.u8(10);
        out.u32(*options.timestamp_value);
        out.u32(options.timestamp_echo.value_or(0));
    }
    if (options.sack_permitted && !timestamps) {
        out.u8(option_kind::kNop);
        out.u8(option_kind::kNop);
        out.u8(option_kind::kSackPermitted);
        out.u8(2);
    }
    if (options.window_scale) {
        out.u8(option_kind::kNop);
        out.u8(option_kind::kWindowScale);
        out.u8(3);
        out.u8(*options.window_scale);
    }
    // Four blocks fill 34 bytes; with timestamps (12) only three fit in 40 (RFC 2018 §3).
    auto room = (TcpHeader::kMaximumOptions - bytes.size() - 4) / 8;
    auto blocks = std::min(options.sack.size(), room);
    if (blocks > 0) {
        out.u8(option_kind::kNop);
        out.u8(option_kind::kNop);
        out.u8(option_kind::kSack);
        out.u8(static_cast<std::uint8_t>(2 + 8 * blocks));
        for (std::size_t i = 0; i < blocks; ++i) {
            out.u32(options.sack[i].left);
            out.u32(options.sack[i].right);
        }
    }
    while (bytes.size() % 4 != 0) out.u8(option_kind::kNop);
    return bytes;
}

Parsed<TcpSegment> parse_tcp(Bytes bytes) {
    Reader in(bytes);
    TcpHeader header;
    header.source_port = in.u16("source port");
    header.destination_port = in.u16("destination port");
    header.sequence = in.u32("sequence number");
    header.acknowledgment = in.u32("acknowledgment number");
    auto offset_and_reserved = in.u8("data offset");
    header.flags = in.u8("flags");
    header.window = in.u16("window");
    header.checksum = in.u16("checksum");
    header.urgent_pointer = in.u16("urgent pointer");
    if (in.failed()) return tl::unexpected(in.error());
    std::size_t header_length = (offset_and_reserved >> 4) * 4u;
    if (header_length < TcpHeader::kMinimumSize) {
        return tl::unexpected(WireError{"data offset " + std::to_string(header_length) + " bytes is below 20", 12});
    }
    header.reserved = offset_and_reserved & 0x0f;
    auto options = in.bytes(header_length - TcpHeader::kMinimumSize, "options (as the data offset says)");
    if (in.failed()) return tl::unexpected(in.error());
    header.set_options(options);
    auto parsed_options = parse_tcp_options(options);
    if (!parsed_options) parsed_options = tl::unexpected(shifted(parsed_options.error(), TcpHeader::kMinimumSize));
    return TcpSegment{header, in.rest(), std::move(parsed_options)};
}

void write_tcp(Writer& out, const TcpHeader& header) {
    out.u16(header.source_port);
    out.u16(header.destination_port);
    out.u32(header.sequence);
    out.u32(header.acknowledgment);
    out.u8(static_cast<std::uint8_t>(header.header_length() / 4 << 4 | (header.reserved & 0x0f)));
    out.u8(header.flags);
    out.u16(header.window);
    out.u16(header.checksum);
    out.u16(header.urgent_pointer);
    out.bytes(header.options());
}

}  // namespace emu::wire
