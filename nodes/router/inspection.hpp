#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "nodes/router/ospf_engine.hpp"
#include "nodes/router/rib.hpp"
#include "nodes/router/rip_engine.hpp"

namespace emu::router {

// What `emu-router show …` shows: the running daemon answers with a report in JSON (which
// `--json` prints as it is, for scripts and tests), and the command formats it for a person.

/// Every destination the RIB knows, its candidates best first, which one the kernel holds.
nlohmann::json routes_report(const Rib& rib);
/// RIP's timers, interfaces, whole table (with each route's timers as seconds from `now`),
/// neighbours and counters.
nlohmann::json rip_report(const RipEngine& engine, Time now);

/// OSPF's interfaces with their state, DR and BDR, and each neighbour's state and dead timer.
nlohmann::json ospf_neighbors_report(const OspfEngine& engine, Time now);
/// OSPF's link-state database: each LSA's header and what it says.
nlohmann::json ospf_database_report(const OspfEngine& engine, Time now);

/// The topics a router reports on, as `emu-router show` takes them.
inline constexpr const char* kInspectionTopics = "routes, rip, ospf neighbors, ospf database";

/// The report on `topic` (from the engines the router runs: either may be missing); throws
/// std::invalid_argument for a topic there is none on.
nlohmann::json report(const std::string& topic, const Rib& rib, const RipEngine* rip, const OspfEngine* ospf, Time now);
/// A report for a person; throws std::invalid_argument for a topic there is none on.
std::string format_report(const std::string& topic, const nlohmann::json& report);

/// `show routes` for a person, in the shape routers print it (`R>* 10.0.3.0/24 [120/3] via …`).
std::string format_routes(const nlohmann::json& report);
/// `show rip` for a person: the distance vector and what keeps it.
std::string format_rip(const nlohmann::json& report);
/// `show ospf neighbors` for a person, in the columns FRR's `show ip ospf neighbor` has.
std::string format_ospf_neighbors(const nlohmann::json& report);
/// `show ospf database` for a person: each LSA and the links or routers it lists.
std::string format_ospf_database(const nlohmann::json& report);

}  // namespace emu::router
