#pragma once

#include <string>
#include <string_view>

namespace emu::util {

/// The path under /proc/sys of a sysctl written "net.ipv4.ip_forward" or, when a name holds
/// a dot (eth0.100), "net/ipv4/conf/eth0.100/rp_filter": "net/ipv4/ip_forward".
std::string sysctl_relative_path(std::string_view key);

}  // namespace emu::util
