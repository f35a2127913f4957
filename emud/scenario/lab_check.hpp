#pragma once

#include <string>
#include <vector>

#include "emud/scenario/scenario.hpp"
#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"

namespace emu::scenario {

/// What a scenario may name of the lab it runs on.
struct LabNames {
    std::string lab;
    std::vector<std::string> nodes;      ///< hosts and routers: where commands run, who sends frames
    std::vector<std::string> switches;   ///< LANs: a segment's name, no namespace of their own
    std::vector<std::string> links;      ///< every link's name, as the trace names it
    std::vector<std::string> endpoints;  ///< every link's ends, "r1:eth1", as `link:` steps name them
};

/// The names of a lab's topology.
LabNames lab_names(const topology::Lab& lab);

/// Each place where the scenario names what the lab lacks, with the lab's own names
/// suggested: an exec step's node, a link step's endpoint, a pattern's `from`, `to` (a
/// node, or a MAC address), `segment` (a switch or a link) and `link`. Empty when every
/// name is the lab's.
std::vector<topology::Diagnostic> check_against_lab(const Scenario& scenario, const LabNames& lab);

}  // namespace emu::scenario
