#pragma once

#include <string>
#include <string_view>

namespace emu::net {

/// The /proc/sys path of a sysctl written "net.ipv4.ip_forward" or "net/ipv4/ip_forward".
std::string sysctl_path(std::string_view key);

/// Writes a sysctl of the calling thread's network namespace (net.* entries under
/// /proc/sys belong to the namespace of the thread that opens them). Throws on failure.
void write_sysctl(std::string_view key, std::string_view value);

}  // namespace emu::net
