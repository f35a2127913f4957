#include "emud/trace/ospf_describe.hpp"

#include "emud/trace/layer_fields.hpp"
#include "emud/trace/summary_list.hpp"

#include <initializer_list>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lib/wire/ospf.hpp"

namespace emu::trace {
namespace {

using nlohmann::json;
using namespace wire;

std::string sequence_text(std::uint32_t sequence) { return fmt::format("{:#010x}", sequence); }

json lsa_header_fields(const LsaHeader& header) {
    return {{"type", lsa_type_name(header.type)},
            {"id", header.link_state_id.to_string()},
            {"adv_router", header.advertising_router.to_string()},
            {"seq", sequence_text(header.sequence)},
            {"age", header.age}};
}

// "router-LSA 10.0.0.1 seq=0x80000002" (with the advertising router when it is not the ID,
// as for network-LSAs, and MaxAge when it is a flush).
std::string lsa_header_text(const LsaHeader& header) {
    auto text = fmt::format("{} {}", lsa_type_name(header.type), header.link_state_id.to_string());
    if (header.advertising_router != header.link_state_id) text += " by " + header.advertising_router.to_string();
    text += " seq=" + sequence_text(header.sequence);
    if (header.age >= LsaHeader::kMaxAge) text += " MaxAge";
    return text;
}

// "10.99.12.0/24", or "10.99.12.0 mask 255.0.255.0" for a mask that is not a prefix.
std::string prefix_text(Ipv4Address address, Ipv4Address mask) {
    if (auto length = ipv4_mask_length(mask)) {
        return fmt::format("{}/{}", Ipv4Address{address.value & mask.value}.to_string(), *length);
    }
    return address.to_string() + " mask " + mask.to_string();
}

std::string metric_text(std::uint32_t metric) {
    return metric >= kLsInfinity ? "unreachable" : fmt::format("metric {}", metric);
}

using BitNames = std::initializer_list<std::pair<std::uint8_t, const char*>>;

// The names of the bits set, in the order given, between separators; "" for none.
std::string set_bits(std::uint8_t flags, BitNames names, const char* separator) {
    std::string text;
    for (auto [bit, name] : names) {
        if (flags & bit) text += (text.empty() ? "" : separator) + std::string(name);
    }
    return text;
}

// Flags as a field: "I,M,MS"; "-" for none.
std::string flags_field(std::uint8_t flags, BitNames names) {
    auto text = set_bits(flags, names, ",");
    return text.empty() ? "-" : text;
}

// §A.3.3: a DBD's I, M and MS.
std::string dbd_flags(std::uint8_t flags) {
    return flags_field(flags, {{OspfDatabaseDescription::kInit, "I"},
                               {OspfDatabaseDescription::kMore, "M"},
                               {OspfDatabaseDescription::kMaster, "MS"}});
}

// §A.4.2: a router-LSA's V, E and B.
std::string router_flags(std::uint8_t flags) {
    return flags_field(
        flags, {{RouterLsa::kVirtualLinkEnd, "V"}, {RouterLsa::kAsBoundary, "E"}, {RouterLsa::kAreaBorder, "B"}});
}

// What a link says: a point-to-point link and a virtual link name the neighbour's router ID,
// a transit link the DR's address, a stub link a network and its mask (§A.4.2).
std::string link_text(const RouterLink& link) {
    auto target = link.type == RouterLink::kStub ? prefix_text(link.link_id, link.link_data) : link.link_id.to_string();
    return fmt::format("{} {} metric {}", router_link_type_name(link.type), target, link.metric);
}

// Each body's fields (the names emu-router's `ospf database` report uses) and a few words
// for the summary; empty for a body kept as bytes.
std::string describe_body(const RouterLsa& lsa, json& entry, const LsaHeader&) {
    json links = json::array();
    for (const auto& link : lsa.links) {
        json fields = {{"type", router_link_type_name(link.type)},
                       {"id", link.link_id.to_string()},
                       {"data", link.link_data.to_string()},
                       {"metric", link.metric}};
        if (!link.tos_metrics.empty()) {
            json tos = json::array();
            for (const auto& metric : link.tos_metrics) tos.push_back({{"tos", metric.tos}, {"metric", metric.metric}});
            fields["tos_metrics"] = std::move(tos);
        }
        links.push_back(std::move(fields));
    }
    entry["flags"] = router_flags(lsa.flags);
    entry["links"] = std::move(links);
    // What the flags make the router: "ABR, ASBR: point-to-point …".
    auto roles = set_bits(lsa.flags,
                          {{RouterLsa::kAreaBorder, "ABR"},
                           {RouterLsa::kAsBoundary, "ASBR"},
                           {RouterLsa::kVirtualLinkEnd, "virtual link end"}},
                          ", ");
    return (roles.empty() ? "" : roles + ": ") + listed(lsa.links, link_text);
}

std::string describe_body(const NetworkLsa& lsa, json& entry, const LsaHeader& header) {
    json attached = json::array();
    for (const auto& router : lsa.attached_routers) attached.push_back(router.to_string());
    entry["mask"] = lsa.network_mask.to_string();
    entry["attached_routers"] = std::move(attached);
    return prefix_text(header.link_state_id, lsa.network_mask) + ": " +
           listed(lsa.attached_routers, [](const Ipv4Address& a) { return a.to_string(); });
}

std::string describe_body(const SummaryLsa& lsa, json& entry, const LsaHeader& header) {
    // parse_ospf lets no summary-LSA through without its TOS-0 metric.
    const auto& metric = lsa.metrics.front();
    entry["mask"] = lsa.network_mask.to_string();
    entry["metric"] = metric.metric;
    if (lsa.metrics.size() > 1) {
        json tos = json::array();
        for (auto it = lsa.metrics.begin() + 1; it != lsa.metrics.end(); ++it) {
            tos.push_back({{"tos", it->tos}, {"metric", it->metric}});
        }
        entry["tos_metrics"] = std::move(tos);
    }
    // Type 4 names an AS boundary router, whose mask means nothing (§A.4.4).
    if (header.type == lsa_type::kSummaryAsbr) return metric_text(metric.metric);
    return prefix_text(header.link_state_id, lsa.network_mask) + " " + metric_text(metric.metric);
}

std::string describe_body(const AsExternalLsa& lsa, json& entry, const LsaHeader& header) {
    const auto& route = lsa.routes.front();  // parse_ospf lets none through without it
    entry["mask"] = lsa.network_mask.to_string();
    entry["metric"] = route.metric;
    entry["metric_type"] = route.type2 ? 2 : 1;
    entry["forwarding_address"] = route.forwarding_address.to_string();
    entry["tag"] = route.route_tag;
    if (lsa.routes.size() > 1) {
        json tos = json::array();
        for (auto it = lsa.routes.begin() + 1; it != lsa.routes.end(); ++it) {
            tos.push_back({{"tos", it->tos},
                           {"metric", it->metric},
                           {"metric_type", it->type2 ? 2 : 1},
                           {"forwarding_address", it->forwarding_address.to_string()},
                           {"tag", it->route_tag}});
        }
        entry["tos_routes"] = std::move(tos);
    }
    // "E2", "E1": how routers write the metric's type (§16.4).
    auto text = fmt::format("{} {} E{}", prefix_text(header.link_state_id, lsa.network_mask), metric_text(route.metric),
                            route.type2 ? 2 : 1);
    if (route.forwarding_address != Ipv4Address{}) text += " via " + route.forwarding_address.to_string();
    if (route.route_tag != 0) text += fmt::format(" tag {}", route.route_tag);
    return text;
}

std::string describe_body(const std::vector<std::uint8_t>&, json&, const LsaHeader&) { return ""; }

void describe(const OspfHello& hello, std::string& summary, json& fields) {
    json neighbors = json::array();
    for (const auto& neighbor : hello.neighbors) neighbors.push_back(neighbor.to_string());
    fields.update({{kOspfFields["mask"], hello.network_mask.to_string()},
                   {kOspfFields["hello_interval"], hello.hello_interval},
                   {kOspfFields["dead_interval"], hello.dead_interval},
                   {kOspfFields["priority"], hello.priority},
                   {kOspfFields["dr"], hello.designated_router.to_string()},
                   {kOspfFields["bdr"], hello.backup_designated_router.to_string()},
                   {kOspfFields["neighbors"], neighbors}});
    summary += fmt::format(" dr={} bdr={} neighbors={} hello {} dead {} pri {}", hello.designated_router.to_string(),
                           hello.backup_designated_router.to_string(),
                           listed(hello.neighbors, [](const Ipv4Address& a) { return a.to_string(); }),
                           hello.hello_interval, hello.dead_interval, hello.priority);
}

void describe(const OspfDatabaseDescription& description, std::string& summary, json& fields) {
    json headers = json::array();
    for (const auto& header : description.lsa_headers) headers.push_back(lsa_header_fields(header));
    fields.update({{kOspfFields["mtu"], description.interface_mtu},
                   {kOspfFields["flags"], dbd_flags(description.flags)},
                   {kOspfFields["dd_seq"], description.sequence},
                   {kOspfFields["lsas"], headers}});
    summary += fmt::format(" seq={} flags={} mtu {}: {}", description.sequence, dbd_flags(description.flags),
                           description.interface_mtu, listed(description.lsa_headers, lsa_header_text));
}

// An LS request carries its type in 32 bits (§A.3.4).
std::string requested_type_name(std::uint32_t type) {
    return type <= 0xff ? lsa_type_name(static_cast<std::uint8_t>(type)) : "type-" + std::to_string(type) + " LSA";
}

void describe(const OspfLinkStateRequest& request, std::string& summary, json& fields) {
    json requests = json::array();
    auto text = [](const LsaRequest& asked) {
        auto out = requested_type_name(asked.type) + " " + asked.link_state_id.to_string();
        if (asked.advertising_router != asked.link_state_id) out += " by " + asked.advertising_router.to_string();
        return out;
    };
    for (const auto& asked : request.requests) {
        requests.push_back({{"type", requested_type_name(asked.type)},
                            {"id", asked.link_state_id.to_string()},
                            {"adv_router", asked.advertising_router.to_string()}});
    }
    fields[kOspfFields["requests"]] = requests;
    summary += " " + listed(request.requests, text);
}

// An LSA in an update: its header and what its body says, "router-LSA 10.99.255.2
// seq=0x80000003 [point-to-point 10.99.255.1 metric 10, stub 10.99.12.0/24 metric 10]".
std::string describe_lsa(const Lsa& lsa, json& entry) {
    auto says = std::visit([&](const auto& body) { return describe_body(body, entry, lsa.header); }, lsa.body);
    auto text = lsa_header_text(lsa.header);
    return says.empty() ? text : text + " [" + says + "]";
}

void describe(const OspfLinkStateUpdate& update, std::string& summary, json& fields) {
    json lsas = json::array();
    std::vector<std::string> texts;
    bool bad_checksum = false;
    for (const auto& lsa : update.lsas) {
        auto entry = lsa_header_fields(lsa.header);
        entry["checksum_valid"] = lsa.checksum_ok;
        bad_checksum = bad_checksum || !lsa.checksum_ok;
        texts.push_back(describe_lsa(lsa, entry));
        lsas.push_back(std::move(entry));
    }
    fields[kOspfFields["lsas"]] = lsas;
    summary += " " + listed(texts, [](const std::string& text) { return text; });
    if (bad_checksum) summary += " BAD LSA checksum";
}

void describe(const OspfLinkStateAck& ack, std::string& summary, json& fields) {
    json headers = json::array();
    for (const auto& header : ack.lsa_headers) headers.push_back(lsa_header_fields(header));
    fields[kOspfFields["lsas"]] = headers;
    summary += " " + listed(ack.lsa_headers, lsa_header_text);
}

// §D: every packet says how it is authenticated; emu-router takes only type 0 (§8.2 drops
// a packet whose type is not the interface's), so the trace says when it is not. A password
// (type 1) is neither shown nor a field: summaries and fields end up in CI logs and scenario
// reports, and a lab's password may be a real one; the pcapng keeps the bytes, and
// Wireshark shows them, for whoever needs them. Cryptographic authentication (type 2) shows
// its key ID and sequence number (§D.3), which say which key and whether it is a replay.
void describe_authentication(const OspfPacket& packet, std::string& summary, json& fields) {
    const auto name = ospf_auth_type_name(packet.auth_type);
    fields[kOspfFields["authentication"]] = name;
    if (auto crypto = packet.cryptographic_auth()) {
        fields.update(
            {{kOspfFields["key_id"], crypto->key_id},
             {kOspfFields["crypto_seq"], crypto->sequence},
             {kOspfFields["digest_length"], crypto->digest_length}});
        summary += fmt::format(" auth={} key={} seq={}", name, crypto->key_id, crypto->sequence);
    } else if (packet.auth_type != OspfPacket::kAuthNone) {
        summary += " auth=" + name;
    }
}

}  // namespace

Layer ospf_layer(Bytes payload) {
    auto packet = parse_ospf(payload);
    if (!packet) {
        return malformed_layer("OSPF", packet.error().to_string());
    }
    const char* type = to_string(packet->type());
    json fields = {{kOspfFields["type"], type},
                   {kOspfFields["router_id"], packet->router_id.to_string()},
                   {kOspfFields["area"], packet->area_id.to_string()}};
    std::string summary = std::string("OSPF ") + type;
    std::visit([&](const auto& body) { describe(body, summary, fields); }, packet->body);
    describe_authentication(*packet, summary, fields);
    return kOspfFields.layer(std::move(summary), std::move(fields));
}

}  // namespace emu::trace
