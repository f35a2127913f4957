#pragma once

#include <nlohmann/json.hpp>

#include "nodes/dnsd/authority.hpp"

namespace emu::dns {

/// emu-dnsd's configuration, as emud writes it from a node's `services: dns:` (docs/dns.md):
/// {"zones": [{"origin": "example.com.", "text": "<the zone in master file format>"}]}.
/// Throws std::invalid_argument naming the zone and, for its text, the line and column.
std::vector<Zone> zones_from_json(const nlohmann::json& json);

}  // namespace emu::dns
