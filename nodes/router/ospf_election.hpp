#pragma once

#include <cstdint>
#include <vector>

#include "lib/wire/ip_address.hpp"

namespace emu::router {

/// A router on a broadcast network as the election sees it (§9.4): from its Hellos, or, for
/// the router itself, from its interface. DR and BDR are named by interface address.
struct ElectionCandidate {
    wire::Ipv4Address router_id;
    wire::Ipv4Address address;
    /// 0: never DR or BDR.
    std::uint8_t priority = 1;
    wire::Ipv4Address declared_dr;
    wire::Ipv4Address declared_bdr;
};

struct ElectionResult {
    wire::Ipv4Address dr;
    wire::Ipv4Address bdr;
    auto operator<=>(const ElectionResult&) const = default;
};

/// RFC 2328 §9.4: elects a network's Designated Router and Backup among `self` and the
/// neighbours in state 2-Way or higher. The BDR first, among those not declaring themselves
/// DR (preferring those declaring themselves BDR); then the DR among those declaring
/// themselves DR, else the new BDR; by priority, then router ID. When the calculation makes
/// `self` DR or BDR, or stops it being one, it is run again with `self` declaring so, so that
/// a router never holds both roles. An existing DR stays DR when a router of higher priority
/// arrives: it is declared, and that counts first.
ElectionResult elect_designated_routers(ElectionCandidate self, const std::vector<ElectionCandidate>& neighbours);

}  // namespace emu::router
