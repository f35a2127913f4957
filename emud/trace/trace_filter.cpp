#include "emud/trace/trace_filter.hpp"

#include "emud/trace/layer_fields.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace emu::trace {
namespace {

bool same_text_any_case(const std::string& a, const std::string& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

template <typename Predicate>
bool any_or_empty(const std::vector<std::string>& wanted, Predicate matches) {
    return wanted.empty() || std::any_of(wanted.begin(), wanted.end(), matches);
}

bool field_is(const Layer* layer, const char* key, const std::string& value) {
    if (layer == nullptr) return false;
    auto it = layer->fields.find(key);
    return it != layer->fields.end() && it->is_string() && it->get_ref<const std::string&>() == value;
}

std::vector<std::string> strings_of(const nlohmann::json& params, const char* key) {
    auto it = params.find(key);
    if (it == params.end() || it->is_null()) return {};
    if (!it->is_array()) throw std::invalid_argument(std::string(key) + " must be a list of strings");
    std::vector<std::string> values;
    for (const auto& value : *it) {
        if (!value.is_string()) throw std::invalid_argument(std::string(key) + " must be a list of strings");
        values.push_back(value.get<std::string>());
    }
    return values;
}

}  // namespace

bool TraceFilter::matches(const TraceEvent& event) const {
    // A routed packet's link ends are the hop (h1 → r1); its IPv4 addresses name the ends
    // of the whole path (h1 … h6): --node h6 shows it on every LAN it crosses.
    const Layer* ipv4 = nodes.empty() ? nullptr : event.find(std::string(kIpv4Fields.protocol));
    return any_or_empty(nodes,
                        [&](const std::string& node) {
                            return event.from == node || event.to == node || field_is(ipv4, kIpv4Fields["src_node"], node) ||
                                   field_is(ipv4, kIpv4Fields["dst_node"], node);
                        }) &&
           any_or_empty(links, [&](const std::string& link) { return event.link == link || event.segment == link; }) &&
           any_or_empty(protocols, [&](const std::string& protocol) {
               return std::any_of(event.layers.begin(), event.layers.end(),
                                  [&](const Layer& layer) { return same_text_any_case(layer.protocol, protocol); });
           });
}

nlohmann::json to_json(const TraceFilter& filter) {
    return {{"nodes", filter.nodes}, {"links", filter.links}, {"protocols", filter.protocols}};
}

TraceFilter filter_from_json(const nlohmann::json& params) {
    if (!params.is_object()) throw std::invalid_argument("the filter must be an object");
    return {strings_of(params, "nodes"), strings_of(params, "links"), strings_of(params, "protocols")};
}

}  // namespace emu::trace
