#include "nodes/dnsd/config_json.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "lib/wire/dns_zone.hpp"

namespace emu::dns {

std::vector<Zone> zones_from_json(const nlohmann::json& json) {
    if (!json.is_object()) throw std::invalid_argument("the configuration is not a JSON object");
    auto zones_json = json.find("zones");
    if (zones_json == json.end() || !zones_json->is_array()) throw std::invalid_argument("`zones` is not a list");
    std::vector<Zone> zones;
    for (std::size_t i = 0; i < zones_json->size(); ++i) {
        const auto& entry = (*zones_json)[i];
        auto where = fmt::format("zones[{}]", i);
        if (!entry.is_object() || !entry.contains("origin") || !entry["origin"].is_string() || !entry.contains("text") ||
            !entry["text"].is_string()) {
            throw std::invalid_argument(where + ": needs `origin` and `text`, both strings");
        }
        auto origin = wire::DnsName::parse(entry["origin"].get<std::string>());
        if (!origin) throw std::invalid_argument(where + ".origin: " + origin.error());
        auto records = wire::parse_zone_text(entry["text"].get<std::string>(), *origin);
        if (!records) {
            throw std::invalid_argument(fmt::format("{}.text:{}:{}: {}", where, records.error().line,
                                                    records.error().column, records.error().message));
        }
        zones.push_back({*origin, std::move(*records)});
    }
    return zones;
}

}  // namespace emu::dns
