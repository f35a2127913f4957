#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "emud/trace/event.hpp"

namespace emu::trace {

/// The layers a layer is carried in, right under it.
struct CarriedIn {
    std::array<std::string_view, 2> layers{};  ///< "" for none: Ethernet is the frame itself
    bool after_any = false;                    ///< after whatever layer came before it (one that did not parse)
};

/// One protocol's layers as the trace makes them: the protocol's name, what carries it, and
/// every field its layers may have at the top level (what a scenario pattern can name). The
/// decoder names each field it sets through this list, so that a field not in it does not
/// compile; the scenario loader checks patterns against the same list. Fields inside a
/// field (a RIP route's metric, an LSA's type) are that field's value, not listed.
template <std::size_t N>
struct LayerFields {
    std::string_view protocol;
    CarriedIn carried_in;
    std::array<std::string_view, N> names;

    /// The field `name` as a key for the layer's fields, checked while compiling: a name
    /// not in the list is not a constant expression.
    consteval const char* operator[](std::string_view name) const {
        for (const auto& field : names) {
            if (field == name) return field.data();
        }
        throw "not a field of this layer: add it to the layer's list in emud/trace/layer_fields.hpp";
    }

    /// A layer of this protocol.
    Layer layer(std::string summary, nlohmann::json fields) const {
        return {std::string(protocol), std::move(summary), std::move(fields)};
    }
};

/// A list of fields, for the definitions below: the count is the list's.
template <std::size_t N>
consteval LayerFields<N> layer_fields(std::string_view protocol, CarriedIn carried_in, const char* const (&names)[N]) {
    LayerFields<N> fields{protocol, carried_in, {}};
    for (std::size_t i = 0; i < N; ++i) fields.names[i] = names[i];
    return fields;
}

// Each list in the order the decoder (emud/trace/*) sets them; docs/trace.md says what
// each holds.
inline constexpr auto kEthernetFields = layer_fields("Ethernet", {}, {"src", "dst", "type", "vlan", "priority"});
inline constexpr auto kArpFields =
    layer_fields("ARP", {{"Ethernet"}}, {"sender_ip", "sender_mac", "target_ip", "target_mac", "op"});
inline constexpr auto kIpv4Fields =
    layer_fields("IPv4", {{"Ethernet"}},
                 {"src", "dst", "ttl", "protocol", "id", "length", "df", "checksum_valid", "fragment_offset",
                  "more_fragments", "options_length", "src_node", "dst_node"});
inline constexpr auto kIcmpFields = layer_fields(
    "ICMP", {{"IPv4"}}, {"type", "code", "checksum_valid", "id", "seq", "reason", "mtu", "gateway", "about"});
inline constexpr auto kIgmpFields =
    layer_fields("IGMP", {{"IPv4"}},
                 {"version", "checksum_valid", "type", "group", "general", "max_response_ms", "sources", "robustness",
                  "querier_interval", "suppress_router_processing", "records", "groups", "additional_data_length"});
inline constexpr auto kUdpFields = layer_fields("UDP", {{"IPv4"}}, {"src_port", "dst_port", "length", "checksum"});
inline constexpr auto kTcpFields =
    layer_fields("TCP", {{"IPv4"}},
                 {"src_port", "dst_port", "flags", "seq", "window", "length", "checksum", "ack", "mss", "wscale",
                  "sack_permitted", "sack_blocks", "tsval", "tsecr", "options_error"});
inline constexpr auto kOspfFields =
    layer_fields("OSPF", {{"IPv4"}},
                 {"type", "router_id", "area", "mask", "hello_interval", "dead_interval", "priority", "dr", "bdr",
                  "neighbors", "mtu", "flags", "dd_seq", "lsas", "requests", "authentication", "key_id", "crypto_seq",
                  "digest_length"});
inline constexpr auto kDhcpFields =
    layer_fields("DHCP", {{"UDP"}},
                 {"type", "op", "xid", "chaddr", "ciaddr", "yiaddr", "siaddr", "giaddr", "broadcast", "hops", "secs",
                  "subnet_mask", "routers", "dns_servers", "message", "requested_ip", "server_id", "lease_time",
                  "renewal_time", "rebinding_time", "broadcast_address", "hostname", "domain_name", "max_message_size",
                  "client_id", "parameter_requests", "circuit_id", "remote_id", "relay_agent_error", "options"});
inline constexpr auto kDnsFields =
    layer_fields("DNS", {{"UDP", "TCP"}},
                 {"message", "id", "opcode", "rcode", "aa", "tc", "rd", "ra", "qname", "qtype", "questions", "answers",
                  "answer_records", "authority_records", "additional_count", "transport", "size", "edns_size"});
inline constexpr auto kRipFields =
    layer_fields("RIP", {{"UDP"}}, {"command", "version", "routes", "whole_table", "authentication"});
inline constexpr auto kHttpFields =
    layer_fields("HTTP", {{"TCP"}},
                 {"message", "method", "target", "version", "host", "body_bytes", "headers", "status", "reason",
                  "content_type", "chunked"});
inline constexpr auto kFtpFields = layer_fields(
    "FTP", {{"TCP"}}, {"message", "verb", "argument", "endpoint", "third_party", "code", "text", "lines"});
inline constexpr auto kFtpDataFields =
    layer_fields("FTP-DATA", {{"TCP"}}, {"mode", "bytes", "total_bytes", "transfer", "control"});
inline constexpr auto kSmtpFields =
    layer_fields("SMTP", {{"TCP"}},
                 {"message", "code", "lines", "answers", "verb", "argument", "mailbox", "bytes", "subject", "from", "to"});
inline constexpr auto kPop3Fields =
    layer_fields("POP3", {{"TCP"}},
                 {"message", "status", "text", "answers", "content_bytes", "subject", "from", "verb", "argument"});
/// What a layer that does not parse becomes (malformed_layer): which layer, and why.
inline constexpr auto kMalformedFields = layer_fields("malformed", {{}, true}, {"layer", "error"});

/// A described layer, whatever the length of its list: what readers of every layer (the
/// scenario loader) go through.
struct LayerDescription {
    std::string_view protocol;
    const CarriedIn* carried_in = nullptr;
    std::span<const std::string_view> fields;

    template <std::size_t N>
    constexpr LayerDescription(const LayerFields<N>& layer)  // NOLINT: a view of any list
        : protocol(layer.protocol), carried_in(&layer.carried_in), fields(layer.names) {}

    constexpr bool has(std::string_view field) const {
        for (const auto& name : fields) {
            if (name == field) return true;
        }
        return false;
    }
};

/// Every layer the trace makes, lowest first.
inline constexpr std::array<LayerDescription, 17> kLayers{
    kEthernetFields, kArpFields,  kIpv4Fields, kIcmpFields, kIgmpFields, kUdpFields,     kTcpFields,
    kOspfFields,     kDhcpFields, kDnsFields,  kRipFields,  kHttpFields, kFtpFields,     kFtpDataFields,
    kSmtpFields,     kPop3Fields, kMalformedFields};

}  // namespace emu::trace
