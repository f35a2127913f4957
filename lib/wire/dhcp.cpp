#include "lib/wire/dhcp.hpp"

#include <algorithm>

namespace emu::wire {
namespace {

constexpr std::size_t kServerNameOffset = 44;
constexpr std::size_t kBootFileOffset = 108;
constexpr std::size_t kOptionsOffset = DhcpMessage::kFixedSize + 4;  // after the cookie

// Overload option values (RFC 2132 §9.3).
constexpr std::uint8_t kOverloadFile = 1;
constexpr std::uint8_t kOverloadServerName = 2;

// The lengths RFC 2132 allows the options it defines: exactly `size`, or (`multiple`) a
// positive multiple of it, or (`at_least`) that many or more.
struct LengthRule {
    std::uint8_t code;
    std::size_t size;
    enum { exactly, multiple, at_least } kind;
    const char* name;
};

constexpr LengthRule kLengthRules[] = {
    {dhcp_option::kSubnetMask, 4, LengthRule::exactly, "subnet mask"},
    {dhcp_option::kRouter, 4, LengthRule::multiple, "router"},
    {dhcp_option::kDomainNameServer, 4, LengthRule::multiple, "domain name server"},
    {dhcp_option::kHostName, 1, LengthRule::at_least, "host name"},
    {dhcp_option::kDomainName, 1, LengthRule::at_least, "domain name"},
    {dhcp_option::kBroadcastAddress, 4, LengthRule::exactly, "broadcast address"},
    {dhcp_option::kRequestedAddress, 4, LengthRule::exactly, "requested IP address"},
    {dhcp_option::kLeaseTime, 4, LengthRule::exactly, "lease time"},
    {dhcp_option::kMessageType, 1, LengthRule::exactly, "message type"},
    {dhcp_option::kServerIdentifier, 4, LengthRule::exactly, "server identifier"},
    {dhcp_option::kParameterRequestList, 1, LengthRule::at_least, "parameter request list"},
    {dhcp_option::kMaximumMessageSize, 2, LengthRule::exactly, "maximum message size"},
    {dhcp_option::kRenewalTime, 4, LengthRule::exactly, "renewal time"},
    {dhcp_option::kRebindingTime, 4, LengthRule::exactly, "rebinding time"},
    {dhcp_option::kClientIdentifier, 2, LengthRule::at_least, "client identifier"},
};

std::optional<WireError> check_length(const DhcpOption& option) {
    for (const auto& rule : kLengthRules) {
        if (rule.code != option.code) continue;
        auto size = option.data.size();
        bool ok = rule.kind == LengthRule::exactly    ? size == rule.size
                  : rule.kind == LengthRule::multiple ? size >= rule.size && size % rule.size == 0
                                                      : size >= rule.size;
        if (ok) return std::nullopt;
        const char* expected = rule.kind == LengthRule::exactly    ? ""
                               : rule.kind == LengthRule::multiple ? "a multiple of "
                                                                   : "at least ";
        return WireError{"option " + std::to_string(option.code) + " (" + rule.name + ") has length " +
                             std::to_string(size) + ", expected " + expected + std::to_string(rule.size),
                         0};
    }
    return std::nullopt;
}

// RFC 3396 §7: instances of one code are concatenated, in order, into one option.
void add_instance(std::vector<DhcpOption>& options, std::uint8_t code, Bytes data) {
    auto it = std::find_if(options.begin(), options.end(), [&](const DhcpOption& o) { return o.code == code; });
    if (it == options.end()) {
        options.push_back({code, {data.begin(), data.end()}});
    } else {
        it->data.insert(it->data.end(), data.begin(), data.end());
    }
}

struct OptionsField {
    bool ended = false;                    ///< the end option was there
    std::optional<std::uint8_t> overload;  ///< option 52, when this field had it
};

// Reads the options of one field (the options area, `file` or `sname`); `base` is the
// field's offset in the message, for errors.
Parsed<OptionsField> read_options(Bytes field, std::size_t base, std::vector<DhcpOption>& options) {
    Reader in(field);
    OptionsField result;
    while (in.remaining() > 0) {
        auto code = in.u8("option code");
        if (code == dhcp_option::kPad) continue;
        if (code == dhcp_option::kEnd) {
            result.ended = true;
            break;
        }
        auto at = in.offset() - 1;
        auto length = in.u8("option length");
        auto data = in.bytes(length, "option data");
        if (in.failed()) {
            return tl::unexpected(WireError{"option " + std::to_string(code) + " runs past the end of its field",
                                            base + at});
        }
        if (code == dhcp_option::kOverload) {
            if (length != 1 || data[0] < 1 || data[0] > 3) {
                return tl::unexpected(WireError{"option 52 (overload) must be one byte of 1, 2 or 3", base + at});
            }
            result.overload = data[0];
            continue;
        }
        add_instance(options, code, data);
    }
    return result;
}

void write_instances(std::vector<std::vector<std::uint8_t>>& out, const DhcpOption& option) {
    std::size_t done = 0;
    do {
        auto size = std::min<std::size_t>(255, option.data.size() - done);
        std::vector<std::uint8_t> instance{option.code, static_cast<std::uint8_t>(size)};
        instance.insert(instance.end(), option.data.begin() + static_cast<std::ptrdiff_t>(done),
                        option.data.begin() + static_cast<std::ptrdiff_t>(done + size));
        out.push_back(std::move(instance));
        done += size;
    } while (done < option.data.size());
}

}  // namespace

std::string to_string(DhcpMessageType type) {
    switch (type) {
        case DhcpMessageType::discover: return "DISCOVER";
        case DhcpMessageType::offer: return "OFFER";
        case DhcpMessageType::request: return "REQUEST";
        case DhcpMessageType::decline: return "DECLINE";
        case DhcpMessageType::ack: return "ACK";
        case DhcpMessageType::nak: return "NAK";
        case DhcpMessageType::release: return "RELEASE";
        case DhcpMessageType::inform: return "INFORM";
    }
    return "type " + std::to_string(static_cast<int>(type));
}

std::optional<DhcpMessageType> DhcpMessage::message_type() const {
    const auto* option = find(dhcp_option::kMessageType);
    if (option == nullptr || option->data.size() != 1) return std::nullopt;
    return static_cast<DhcpMessageType>(option->data[0]);
}

const DhcpOption* DhcpMessage::find(std::uint8_t code) const {
    auto it = std::find_if(options.begin(), options.end(), [&](const DhcpOption& o) { return o.code == code; });
    return it == options.end() ? nullptr : &*it;
}

void DhcpMessage::set(std::uint8_t code, std::vector<std::uint8_t> data) {
    auto it = std::find_if(options.begin(), options.end(), [&](const DhcpOption& o) { return o.code == code; });
    if (it != options.end()) {
        it->data = std::move(data);
    } else {
        options.push_back({code, std::move(data)});
    }
}

void DhcpMessage::set_address(std::uint8_t code, Ipv4Address address) {
    set_addresses(code, {address});
}

void DhcpMessage::set_addresses(std::uint8_t code, const std::vector<Ipv4Address>& list) {
    std::vector<std::uint8_t> data;
    for (const auto& address : list) {
        auto bytes = address.bytes();
        data.insert(data.end(), bytes.begin(), bytes.end());
    }
    set(code, std::move(data));
}

void DhcpMessage::set_u32(std::uint8_t code, std::uint32_t value) {
    set(code, {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
               static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)});
}

void DhcpMessage::set_text(std::uint8_t code, const std::string& text) {
    set(code, {text.begin(), text.end()});
}

void DhcpMessage::erase(std::uint8_t code) {
    std::erase_if(options, [&](const DhcpOption& o) { return o.code == code; });
}

std::vector<Ipv4Address> DhcpMessage::addresses(std::uint8_t code) const {
    const auto* option = find(code);
    if (option == nullptr || option->data.empty() || option->data.size() % 4 != 0) return {};
    std::vector<Ipv4Address> list;
    Reader in(option->data);
    while (in.remaining() > 0) list.push_back(Ipv4Address{in.u32("address")});
    return list;
}

std::optional<Ipv4Address> DhcpMessage::address(std::uint8_t code) const {
    const auto* option = find(code);
    if (option == nullptr || option->data.size() != 4) return std::nullopt;
    return addresses(code).front();
}

std::optional<std::uint32_t> DhcpMessage::u32(std::uint8_t code) const {
    const auto* option = find(code);
    if (option == nullptr || option->data.size() != 4) return std::nullopt;
    Reader in(option->data);
    return in.u32("value");
}

std::optional<std::uint16_t> DhcpMessage::u16(std::uint8_t code) const {
    const auto* option = find(code);
    if (option == nullptr || option->data.size() != 2) return std::nullopt;
    Reader in(option->data);
    return in.u16("value");
}

std::optional<std::string> DhcpMessage::text(std::uint8_t code) const {
    const auto* option = find(code);
    if (option == nullptr) return std::nullopt;
    // RFC 2132 §2: text options are not NUL-terminated, but some clients add one anyway.
    std::string value(option->data.begin(), option->data.end());
    while (!value.empty() && value.back() == '\0') value.pop_back();
    return value;
}

MacAddress DhcpMessage::client_mac() const {
    MacAddress mac;
    std::copy(client_hardware.begin(), client_hardware.begin() + 6, mac.bytes.begin());
    return mac;
}

void DhcpMessage::set_client_mac(const MacAddress& mac) {
    client_hardware.fill(0);
    std::copy(mac.bytes.begin(), mac.bytes.end(), client_hardware.begin());
    hardware_type = 1;
    hardware_length = 6;
}

Parsed<DhcpMessage> parse_dhcp(Bytes payload) {
    Reader in(payload);
    DhcpMessage message;
    message.op = in.u8("op");
    message.hardware_type = in.u8("htype");
    message.hardware_length = in.u8("hlen");
    message.hops = in.u8("hops");
    message.xid = in.u32("xid");
    message.seconds = in.u16("secs");
    message.flags = in.u16("flags");
    message.client_address.value = in.u32("ciaddr");
    message.your_address.value = in.u32("yiaddr");
    message.server_address.value = in.u32("siaddr");
    message.relay_address.value = in.u32("giaddr");
    auto hardware = in.bytes(16, "chaddr");
    auto server_name = in.bytes(64, "sname");
    auto boot_file = in.bytes(128, "file");
    auto cookie = in.u32("magic cookie");
    if (in.failed()) return tl::unexpected(in.error());
    if (message.op != DhcpMessage::kBootRequest && message.op != DhcpMessage::kBootReply) {
        return tl::unexpected(WireError{"op " + std::to_string(message.op) + " is neither request (1) nor reply (2)", 0});
    }
    if (message.hardware_length > 16) {
        return tl::unexpected(WireError{"hlen " + std::to_string(message.hardware_length) + " is over 16", 2});
    }
    if (cookie != DhcpMessage::kMagicCookie) {
        return tl::unexpected(WireError{"no DHCP magic cookie (plain BOOTP is not DHCP)", DhcpMessage::kFixedSize});
    }
    std::copy(hardware.begin(), hardware.end(), message.client_hardware.begin());

    auto field = read_options(in.rest(), kOptionsOffset, message.options);
    if (!field) return tl::unexpected(field.error());
    if (!field->ended) {
        return tl::unexpected(WireError{"the options do not end with the end option (255)", payload.size()});
    }
    // RFC 2131 §4.1: with an overload, `file` holds more options, then `sname`.
    auto overload = field->overload.value_or(0);
    if (overload & kOverloadFile) {
        auto more = read_options(boot_file, kBootFileOffset, message.options);
        if (!more) return tl::unexpected(more.error());
    } else {
        std::copy(boot_file.begin(), boot_file.end(), message.boot_file.begin());
    }
    if (overload & kOverloadServerName) {
        auto more = read_options(server_name, kServerNameOffset, message.options);
        if (!more) return tl::unexpected(more.error());
    } else {
        std::copy(server_name.begin(), server_name.end(), message.server_name.begin());
    }
    for (const auto& option : message.options) {
        if (auto error = check_length(option)) return tl::unexpected(*error);
    }
    return message;
}

bool write_dhcp(Writer& out, const DhcpMessage& message, std::size_t maximum_size) {
    std::vector<std::vector<std::uint8_t>> instances;
    std::size_t options_size = 0;
    for (const auto& option : message.options) {
        if (option.code == dhcp_option::kPad || option.code == dhcp_option::kEnd ||
            option.code == dhcp_option::kOverload) {
            continue;  // not options: the writer places these itself
        }
        write_instances(instances, option);
    }
    for (const auto& instance : instances) options_size += instance.size();

    // What goes where: all in the options field if it fits, else as much there as fits with
    // room for the overload option, then `file`, then `sname`, each closed by an end option.
    auto server_name = message.server_name;
    auto boot_file = message.boot_file;
    std::size_t in_options = instances.size();
    std::uint8_t overload = 0;
    bool fits = true;
    if (maximum_size != 0 && kOptionsOffset + options_size + 1 > maximum_size) {
        std::size_t room = maximum_size > kOptionsOffset + 4 ? maximum_size - kOptionsOffset - 4 : 0;
        std::size_t used = 0, next = 0;
        while (next < instances.size() && used + instances[next].size() <= room) used += instances[next++].size();
        in_options = next;
        auto spill = [&](auto& field, std::uint8_t flag) {
            if (next == instances.size()) return;
            std::size_t at = 0;
            field.fill(0);
            while (next < instances.size() && at + instances[next].size() + 1 <= field.size()) {
                std::copy(instances[next].begin(), instances[next].end(), field.begin() + static_cast<std::ptrdiff_t>(at));
                at += instances[next++].size();
            }
            field[at] = dhcp_option::kEnd;
            overload |= flag;
        };
        spill(boot_file, kOverloadFile);
        spill(server_name, kOverloadServerName);
        if (next < instances.size()) {
            // Too long even so: write it whole, in the options field, and say so.
            fits = false;
            overload = 0;
            server_name = message.server_name;
            boot_file = message.boot_file;
            in_options = instances.size();
        }
    }

    auto start = out.size();
    out.u8(message.op);
    out.u8(message.hardware_type);
    out.u8(message.hardware_length);
    out.u8(message.hops);
    out.u32(message.xid);
    out.u16(message.seconds);
    out.u16(message.flags);
    out.u32(message.client_address.value);
    out.u32(message.your_address.value);
    out.u32(message.server_address.value);
    out.u32(message.relay_address.value);
    out.bytes(message.client_hardware);
    out.bytes(server_name);
    out.bytes(boot_file);
    out.u32(DhcpMessage::kMagicCookie);
    if (overload != 0) {
        out.u8(dhcp_option::kOverload);
        out.u8(1);
        out.u8(overload);
    }
    for (std::size_t i = 0; i < in_options; ++i) out.bytes(instances[i]);
    out.u8(dhcp_option::kEnd);
    if (out.size() - start < DhcpMessage::kMinimumSize) out.zeros(DhcpMessage::kMinimumSize - (out.size() - start));
    return fits;
}

ClientDelivery client_delivery(const DhcpMessage& reply) {
    ClientDelivery delivery;
    if (reply.message_type() == DhcpMessageType::nak) {
        delivery.ip = Ipv4Address{0xffffffff};  // "the server broadcasts any DHCPNAK messages"
    } else if (reply.client_address != Ipv4Address{}) {
        delivery.kind = ClientDelivery::Kind::unicast;
        delivery.ip = reply.client_address;
    } else if (reply.broadcast() || reply.your_address == Ipv4Address{}) {
        delivery.ip = Ipv4Address{0xffffffff};
    } else {
        delivery.kind = ClientDelivery::Kind::hardware;
        delivery.ip = reply.your_address;
        delivery.mac = reply.client_mac();
    }
    return delivery;
}

Parsed<std::vector<DhcpOption>> parse_relay_agent_information(Bytes data) {
    Reader in(data);
    std::vector<DhcpOption> suboptions;
    while (in.remaining() > 0) {
        auto at = in.offset();
        auto code = in.u8("sub-option code");
        auto length = in.u8("sub-option length");
        auto value = in.bytes(length, "sub-option data");
        if (in.failed()) {
            return tl::unexpected(WireError{"sub-option " + std::to_string(code) + " runs past the end", at});
        }
        suboptions.push_back({code, {value.begin(), value.end()}});
    }
    return suboptions;
}

std::vector<std::uint8_t> make_relay_agent_information(const std::vector<DhcpOption>& suboptions) {
    std::vector<std::uint8_t> data;
    for (const auto& suboption : suboptions) {
        data.push_back(suboption.code);
        data.push_back(static_cast<std::uint8_t>(std::min<std::size_t>(suboption.data.size(), 255)));
        data.insert(data.end(), suboption.data.begin(),
                    suboption.data.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(suboption.data.size(), 255)));
    }
    return data;
}

}  // namespace emu::wire
