#pragma once

#include <map>
#include <string>
#include <vector>

#include "emud/build/plan.hpp"
#include "emud/topology/model.hpp"

namespace emu::trace {

/// A link of the lab as the trace names it.
struct TraceLink {
    std::string name;     ///< the link's name ("h1:eth0--lan1:p1", or the user's)
    std::string segment;  ///< where a frame on it is: the switch's name, else the link's name
};

/// A device whose frames the capture reads, in one of the lab's namespaces.
struct CapturePoint {
    std::size_t namespace_index = 0;  ///< into LabPlan::namespaces
    std::string device;               ///< kernel name in that namespace
    std::size_t link = 0;             ///< into CapturePlan::links
    /// A switch port: only the frames that enter the switch there. Each frame a node sends
    /// onto a LAN is then seen once, where it enters, not again on every port it leaves by.
    bool ingress_only = false;
};

/// Where to capture so that every frame is seen once per link it crosses, and whose MAC
/// is whose. Pure: computed from the plan and the model.
struct CapturePlan {
    std::vector<TraceLink> links;
    std::vector<CapturePoint> points;
    std::map<wire::MacAddress, std::string> mac_owners;  ///< a node interface's MAC -> node name
};

/// A point-to-point link is read on its first node's end, both ways; a switch link on the
/// switch's port, frames coming in; a link between switches on both ports, frames coming in.
CapturePlan plan_capture(const build::LabPlan& plan, const topology::Lab& lab);

}  // namespace emu::trace
