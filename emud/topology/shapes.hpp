#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace emu::topology {

/// Writes the topology file of a built-in shape, in the spirit of Mininet's --topo:
///   linear,N          N switches in a chain, one host on each (2N nodes, one LAN)
///   tree,DEPTH,FANOUT a tree of switches DEPTH deep, FANOUT children each, hosts at the leaves
///                     (also tree,depth=D,fanout=F)
///   ring,N            N routers in a ring, each with a host LAN, static routes the short way
///   star,N            one switch with N hosts
/// Hosts of the switched shapes share 10.0.0.0/8 (h1 is 10.0.0.1, like Mininet).
tl::expected<std::string, std::string> generate_shape(std::string_view spec);

}  // namespace emu::topology
