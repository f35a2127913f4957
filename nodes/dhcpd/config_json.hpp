#pragma once

#include <nlohmann/json.hpp>

#include "nodes/dhcpd/server_config.hpp"

namespace emu::dhcp {

/// emu-dhcpd's configuration file, as emud writes it from a node's `services: dhcp:`
/// (docs/dhcp.md shows it). Throws std::invalid_argument naming the offending key
/// ("subnets[0].pools[1].last: …") for anything missing, of the wrong type, or inconsistent
/// (a pool outside its subnet, first after last, a reservation outside its subnet).
ServerConfig server_config_from_json(const nlohmann::json& json);

/// The same configuration written out.
nlohmann::json to_json(const ServerConfig& config);

}  // namespace emu::dhcp
