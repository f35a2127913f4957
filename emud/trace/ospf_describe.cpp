#include "emud/trace/ospf_describe.hpp"

#include "emud/trace/summary_list.hpp"

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

std::string dbd_flags(std::uint8_t flags) {
    std::string text;
    for (auto [bit, name] : {std::pair{OspfDatabaseDescription::kInit, "I"}, std::pair{OspfDatabaseDescription::kMore, "M"},
                             std::pair{OspfDatabaseDescription::kMaster, "MS"}}) {
        if (flags & bit) text += (text.empty() ? "" : ",") + std::string(name);
    }
    return text.empty() ? "-" : text;
}

void describe(const OspfHello& hello, std::string& summary, json& fields) {
    json neighbors = json::array();
    for (const auto& neighbor : hello.neighbors) neighbors.push_back(neighbor.to_string());
    fields.update({{"mask", hello.network_mask.to_string()},
                   {"hello_interval", hello.hello_interval},
                   {"dead_interval", hello.dead_interval},
                   {"priority", hello.priority},
                   {"dr", hello.designated_router.to_string()},
                   {"bdr", hello.backup_designated_router.to_string()},
                   {"neighbors", neighbors}});
    summary += fmt::format(" dr={} bdr={} neighbors={} hello {} dead {} pri {}", hello.designated_router.to_string(),
                           hello.backup_designated_router.to_string(),
                           listed(hello.neighbors, [](const Ipv4Address& a) { return a.to_string(); }),
                           hello.hello_interval, hello.dead_interval, hello.priority);
}

void describe(const OspfDatabaseDescription& description, std::string& summary, json& fields) {
    json headers = json::array();
    for (const auto& header : description.lsa_headers) headers.push_back(lsa_header_fields(header));
    fields.update({{"mtu", description.interface_mtu},
                   {"flags", dbd_flags(description.flags)},
                   {"dd_seq", description.sequence},
                   {"lsas", headers}});
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
    fields["requests"] = requests;
    summary += " " + listed(request.requests, text);
}

void describe(const OspfLinkStateUpdate& update, std::string& summary, json& fields) {
    json lsas = json::array();
    bool bad_checksum = false;
    for (const auto& lsa : update.lsas) {
        auto entry = lsa_header_fields(lsa.header);
        entry["checksum_valid"] = lsa.checksum_ok;
        bad_checksum = bad_checksum || !lsa.checksum_ok;
        lsas.push_back(std::move(entry));
    }
    fields["lsas"] = lsas;
    summary += " " + listed(update.lsas, [](const Lsa& lsa) { return lsa_header_text(lsa.header); });
    if (bad_checksum) summary += " BAD LSA checksum";
}

void describe(const OspfLinkStateAck& ack, std::string& summary, json& fields) {
    json headers = json::array();
    for (const auto& header : ack.lsa_headers) headers.push_back(lsa_header_fields(header));
    fields["lsas"] = headers;
    summary += " " + listed(ack.lsa_headers, lsa_header_text);
}

}  // namespace

Layer ospf_layer(Bytes payload) {
    auto packet = parse_ospf(payload);
    if (!packet) {
        return malformed_layer("OSPF", packet.error().to_string());
    }
    const char* type = to_string(packet->type());
    json fields = {{"type", type}, {"router_id", packet->router_id.to_string()}, {"area", packet->area_id.to_string()}};
    std::string summary = std::string("OSPF ") + type;
    std::visit([&](const auto& body) { describe(body, summary, fields); }, packet->body);
    return {"OSPF", std::move(summary), std::move(fields)};
}

}  // namespace emu::trace
