#include "emud/trace/capture_plan.hpp"

#include <stdexcept>

namespace emu::trace {

CapturePlan plan_capture(const build::LabPlan& plan, const topology::Lab& lab) {
    // The planner makes one veth pair per link, in the order of the file.
    if (plan.veths.size() != lab.links.size()) throw std::logic_error("plan and model disagree on the links");
    CapturePlan capture;
    for (std::size_t i = 0; i < lab.links.size(); ++i) {
        const auto& link = lab.links[i];
        const auto& veth = plan.veths[i];
        bool a_switch = lab.find_node(link.a.node)->is_switch();
        bool b_switch = lab.find_node(link.b.node)->is_switch();
        std::string segment = a_switch && !b_switch ? link.a.node : b_switch && !a_switch ? link.b.node : link.name;
        capture.links.push_back({link.name, segment});
        for (const auto* end : {&veth.local, &veth.peer}) {
            const auto& space = plan.namespaces.at(end->namespace_index);
            if (!space.is_fabric() && end->mac) capture.mac_owners[*end->mac] = space.node;
        }
        if (!a_switch && !b_switch) {
            capture.points.push_back({veth.local.namespace_index, veth.local.name, i, false});
        } else {
            capture.points.push_back({veth.local.namespace_index, veth.local.name, i, true});
            if (a_switch && b_switch) capture.points.push_back({veth.peer.namespace_index, veth.peer.name, i, true});
        }
    }
    return capture;
}

}  // namespace emu::trace
