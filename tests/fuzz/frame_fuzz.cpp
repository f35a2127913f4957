// libFuzzer: any bytes as an Ethernet frame. Whatever decodes must write back to the bytes
// it came from, layer by layer, and TCP options laid out again must read back the same.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "lib/wire/frame.hpp"

using namespace emu::wire;

namespace {

template <typename Header, typename Write>
void expect_written(const Header& header, Write write, Bytes payload, Bytes original) {
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write(out, header);
    out.bytes(payload);
    if (!std::equal(bytes.begin(), bytes.end(), original.begin(), original.end())) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes input(data, size);
    auto frame = decode_frame(input);
    if (!frame) return 0;
    expect_written(frame->ethernet.header, write_ethernet, frame->ethernet.payload, input);
    if (frame->arp) {
        expect_written(*frame->arp, write_arp, {}, frame->ethernet.payload.first(ArpPacket::kSize));
    }
    if (frame->ipv4) {
        expect_written(frame->ipv4->header, write_ipv4, frame->ipv4->payload,
                       frame->ethernet.payload.first(frame->ipv4->header.total_length));
        Bytes transport = frame->ipv4->payload;
        if (frame->icmp) expect_written(frame->icmp->header, write_icmp, frame->icmp->body, transport);
        if (frame->udp) {
            // The UDP length may end before the IP payload does; the rest is not UDP's.
            expect_written(frame->udp->header, write_udp, frame->udp->payload,
                           transport.first(frame->udp->header.length));
        }
        if (frame->tcp) {
            expect_written(frame->tcp->header, write_tcp, frame->tcp->payload, transport);
            if (frame->tcp->options) {
                auto options = *frame->tcp->options;
                auto again = parse_tcp_options(make_tcp_options(options));
                if (!again) std::abort();
                // Unknown kinds are not written, and only the SACK blocks that fit are.
                options.unknown_kinds.clear();
                again->unknown_kinds.clear();
                if (again->sack.size() > options.sack.size()) std::abort();
                options.sack.resize(again->sack.size());
                if (!(*again == options)) std::abort();
            }
        }
    }
    return 0;
}
