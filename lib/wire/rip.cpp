#include "lib/wire/rip.hpp"

#include <algorithm>
#include <string>

namespace emu::wire {
namespace {

RipAuthentication read_authentication(Reader& in) {
    RipAuthentication authentication;
    authentication.type = in.u16("authentication type");
    auto data = in.bytes(authentication.data.size(), "authentication data");
    if (!in.failed()) std::copy(data.begin(), data.end(), authentication.data.begin());
    return authentication;
}

void write_authentication(Writer& out, const RipAuthentication& authentication) {
    out.u16(RipAuthentication::kFamily);
    out.u16(authentication.type);
    out.bytes(authentication.data);
}

}  // namespace

bool RipMessage::asks_for_whole_table() const {
    return command == rip_command::kRequest && routes.size() == 1 && routes.front().family == 0 &&
           routes.front().metric == kRipInfinity;
}

RipMessage RipMessage::whole_table_request() {
    RipMessage request;
    request.command = rip_command::kRequest;
    RipRoute everything;
    everything.family = 0;
    everything.metric = kRipInfinity;
    request.routes.push_back(everything);
    return request;
}

Parsed<RipMessage> parse_rip(Bytes message) {
    Reader in(message);
    RipMessage parsed;
    parsed.command = in.u8("command");
    parsed.version = in.u8("version");
    in.skip(2, "must-be-zero");
    if (in.failed()) return tl::unexpected(in.error());
    // §3.9: commands other than request and response are obsolete or unknown; version 0 is
    // to be ignored (RFC 1058 §3.4).
    if (parsed.command != rip_command::kRequest && parsed.command != rip_command::kResponse) {
        return tl::unexpected(WireError{"unknown command " + std::to_string(parsed.command), 0});
    }
    if (parsed.version == 0) return tl::unexpected(WireError{"version 0", 1});
    if (in.remaining() % RipRoute::kSize != 0) {
        return tl::unexpected(WireError{std::to_string(in.remaining()) + " bytes of entries, not whole " +
                                            std::to_string(RipRoute::kSize) + "-byte entries",
                                        in.offset()});
    }
    // At most 25 entries (§3.6), the keyed-MD5 digest not counted (RFC 4822 §2 adds it to a
    // full message): checked again once the entries are known.
    const std::size_t entries = in.remaining() / RipRoute::kSize;
    auto too_many = [&] {
        return tl::unexpected(WireError{std::to_string(entries) + " entries, more than " +
                                            std::to_string(RipMessage::kMaximumEntries),
                                        RipMessage::kHeaderSize});
    };
    if (entries > RipMessage::kMaximumEntries + 1) return too_many();
    for (std::size_t index = 0; index < entries; ++index) {
        const std::size_t entry_offset = in.offset();
        const auto family = in.u16("address family");
        if (family == RipAuthentication::kFamily) {
            auto authentication = read_authentication(in);
            // §4.1: authentication takes the first entry; RFC 4822 §2 puts the keyed-MD5
            // digest in the last one. Anywhere else it is not a message we can read.
            if (index == 0 && authentication.type != RipAuthentication::kTypeDigestTrailer) {
                parsed.authentication = authentication;
            } else if (index == entries - 1 && index > 0 &&
                       authentication.type == RipAuthentication::kTypeDigestTrailer && parsed.authentication &&
                       parsed.authentication->type == RipAuthentication::kTypeKeyedMd5) {
                parsed.digest = authentication;
            } else {
                return tl::unexpected(
                    WireError{"authentication entry (type " + std::to_string(authentication.type) + ") as entry " +
                                  std::to_string(index + 1) + " of " + std::to_string(entries),
                              entry_offset});
            }
            continue;
        }
        RipRoute route;
        route.family = family;
        route.route_tag = in.u16("route tag");
        route.address.value = in.u32("address");
        route.mask.value = in.u32("subnet mask");
        route.next_hop.value = in.u32("next hop");
        route.metric = in.u32("metric");
        parsed.routes.push_back(route);
    }
    if (in.failed()) return tl::unexpected(in.error());
    if (entries - (parsed.digest ? 1 : 0) > RipMessage::kMaximumEntries) return too_many();
    if (parsed.authentication && parsed.authentication->type == RipAuthentication::kTypeKeyedMd5 && !parsed.digest) {
        return tl::unexpected(WireError{"keyed-MD5 authentication without its digest entry", message.size()});
    }
    return parsed;
}

void write_rip(Writer& out, const RipMessage& message) {
    out.u8(message.command);
    out.u8(message.version);
    out.u16(0);
    if (message.authentication) write_authentication(out, *message.authentication);
    for (const auto& route : message.routes) {
        out.u16(route.family);
        out.u16(route.route_tag);
        out.u32(route.address.value);
        out.u32(route.mask.value);
        out.u32(route.next_hop.value);
        out.u32(route.metric);
    }
    if (message.digest) write_authentication(out, *message.digest);
}

}  // namespace emu::wire
