#include "nodes/router/ospf_election.hpp"

#include <optional>
#include <tuple>

namespace emu::router {
namespace {

using wire::Ipv4Address;

// Higher priority wins, then higher router ID (§9.4 steps 2 and 3).
bool better(const ElectionCandidate& a, const ElectionCandidate& b) {
    return std::tie(a.priority, a.router_id) > std::tie(b.priority, b.router_id);
}

ElectionResult one_pass(const std::vector<ElectionCandidate>& routers) {
    // Step 2: the BDR, from the eligible routers that do not declare themselves DR.
    const ElectionCandidate* declared_backup = nullptr;
    const ElectionCandidate* any_backup = nullptr;
    for (const auto& router : routers) {
        if (router.priority == 0 || router.declared_dr == router.address) continue;
        if (router.declared_bdr == router.address && (!declared_backup || better(router, *declared_backup))) {
            declared_backup = &router;
        }
        if (!any_backup || better(router, *any_backup)) any_backup = &router;
    }
    const auto* backup = declared_backup ? declared_backup : any_backup;
    // Step 3: the DR, from those that declare themselves DR; else the new BDR.
    const ElectionCandidate* designated = nullptr;
    for (const auto& router : routers) {
        if (router.priority == 0 || router.declared_dr != router.address) continue;
        if (!designated || better(router, *designated)) designated = &router;
    }
    ElectionResult result;
    if (backup) result.bdr = backup->address;
    if (designated) {
        result.dr = designated->address;
    } else {
        result.dr = result.bdr;
    }
    return result;
}

}  // namespace

ElectionResult elect_designated_routers(ElectionCandidate self, const std::vector<ElectionCandidate>& neighbours) {
    std::vector<ElectionCandidate> routers = neighbours;
    routers.push_back(self);
    const bool was_dr = self.declared_dr == self.address, was_bdr = self.declared_bdr == self.address;
    auto result = one_pass(routers);
    const bool is_dr = result.dr == self.address, is_bdr = result.bdr == self.address;
    // Step 4: a change in the calculating router's own role is run again with it declared.
    if (is_dr != was_dr || is_bdr != was_bdr) {
        routers.back().declared_dr = result.dr;
        routers.back().declared_bdr = result.bdr;
        result = one_pass(routers);
    }
    // A network with only ineligible routers has neither (§9.4: priority 0 is never elected).
    return result;
}

}  // namespace emu::router
