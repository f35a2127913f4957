#pragma once

// Values of the JSON configuration emud writes for a node program, checked as they are read:
// a bad one throws std::invalid_argument naming the key, and the program exits 2 (emud checked
// the topology already; this guards a file edited by hand).

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace emu::node {

/// A TCP or UDP port, 1–65535; `what` names the key ("`port`").
inline std::uint16_t config_port(const nlohmann::json& value, const std::string& what) {
    if (!value.is_number_integer() || value.get<long long>() < 1 || value.get<long long>() > 65535) {
        throw std::invalid_argument(what + " is not a port number");
    }
    return static_cast<std::uint16_t>(value.get<long long>());
}

/// A time in seconds (a number, fractions allowed) from `least` to `most`.
inline std::chrono::milliseconds config_seconds(const nlohmann::json& value, const std::string& what, double least, double most) {
    if (!value.is_number() || value.get<double>() < least || value.get<double>() > most) {
        throw std::invalid_argument(what + " is not a number of seconds from " + nlohmann::json(least).dump() + " to " +
                                    nlohmann::json(most).dump());
    }
    return std::chrono::milliseconds(static_cast<long>(value.get<double>() * 1000));
}

}  // namespace emu::node
