#include "emud/trace/igmp_describe.hpp"

#include "emud/trace/layer_fields.hpp"
#include "emud/trace/summary_list.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lib/wire/igmp.hpp"

namespace emu::trace {
namespace {

using nlohmann::json;
using namespace wire;

std::string address_text(const Ipv4Address& address) { return address.to_string(); }

json address_list(const std::vector<Ipv4Address>& addresses) {
    json list = json::array();
    for (const auto& address : addresses) list.push_back(address.to_string());
    return list;
}

// " {10.0.9.7, 10.0.9.8}" after a group, when there are sources.
std::string sources_text(const std::vector<Ipv4Address>& sources) {
    return sources.empty() ? "" : " {" + listed(sources, address_text) + "}";
}

void describe(const IgmpQuery& query, std::string& summary, json& fields) {
    const auto deciseconds = query.max_response_deciseconds();
    fields.update({{kIgmpFields["type"], "query"},
                   {kIgmpFields["group"], query.group.to_string()},
                   {kIgmpFields["general"], query.is_general()},
                   {kIgmpFields["max_response_ms"], deciseconds * 100}});
    summary += fmt::format(" query {}", query.is_general() ? "general" : query.group.to_string());
    if (query.v3) summary += sources_text(query.v3->sources);
    summary += fmt::format(" max={}.{}s", deciseconds / 10, deciseconds % 10);
    if (!query.v3) return;
    const auto& v3 = *query.v3;
    const auto interval = igmp_code_value(v3.querier_interval_code);
    fields.update({{kIgmpFields["sources"], address_list(v3.sources)},
                   {kIgmpFields["robustness"], v3.robustness},
                   {kIgmpFields["querier_interval"], interval},
                   {kIgmpFields["suppress_router_processing"], v3.suppress_router_processing}});
    summary += fmt::format(" qrv={} qqi={}s", v3.robustness, interval);
    if (v3.suppress_router_processing) summary += " suppress";
}

void describe(const IgmpGroupMessage& message, std::string& summary, json& fields) {
    const char* type = message.type == igmp_type::kV2LeaveGroup ? "leave" : "report";
    fields.update({{kIgmpFields["type"], type}, {kIgmpFields["group"], message.group.to_string()}});
    summary += fmt::format(" {} {}", type, message.group.to_string());
}

void describe(const IgmpV3Report& report, std::string& summary, json& fields) {
    json records = json::array();
    json groups = json::array();
    for (const auto& record : report.records) {
        json entry = {{"type", igmp_record_type_name(record.type)},
                      {"group", record.group.to_string()},
                      {"sources", address_list(record.sources)}};
        if (!record.aux_data.empty()) entry["aux_data_length"] = record.aux_data.size();
        records.push_back(std::move(entry));
        groups.push_back(record.group.to_string());
    }
    // `groups` lets a pattern ask for a group whatever record names it (`group` is a
    // version 1 or 2 message's).
    fields.update(
        {{kIgmpFields["type"], "report"}, {kIgmpFields["records"], records}, {kIgmpFields["groups"], groups}});
    summary += fmt::format(" report: {} record{}", report.records.size(), report.records.size() == 1 ? "" : "s");
    if (report.records.empty()) return;
    summary += ", " + listed(report.records, [](const IgmpGroupRecord& record) {
        return igmp_record_type_name(record.type) + " " + record.group.to_string() + sources_text(record.sources);
    });
}

}  // namespace

Layer igmp_layer(Bytes payload) {
    auto message = parse_igmp(payload);
    if (!message) return malformed_layer("IGMP", message.error().to_string());
    json fields = {{kIgmpFields["version"], message->version()},
                   {kIgmpFields["checksum_valid"], message->checksum_valid}};
    std::string summary = fmt::format("IGMPv{}", message->version());
    std::visit([&](const auto& body) { describe(body, summary, fields); }, message->body);
    if (!message->additional_data.empty()) {
        fields[kIgmpFields["additional_data_length"]] = message->additional_data.size();
    }
    if (!message->checksum_valid) summary += " BAD checksum";
    return kIgmpFields.layer(std::move(summary), std::move(fields));
}

}  // namespace emu::trace
