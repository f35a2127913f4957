#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "lib/wire/ip_address.hpp"

namespace emu::host {

/// What the client keeps of a lease on disk, so that after a restart it asks for the same
/// address back (INIT-REBOOT, RFC 2131 §3.2) and knows what it had configured.
struct RememberedLease {
    wire::Ipv4Address address;
    int prefix_length = 24;
    std::vector<wire::Ipv4Address> routers;
    std::int64_t expires = 0;  ///< Unix time
};

/// The lease kept at `path`, unless there is none, it cannot be read, or it ended before `now`
/// (Unix time).
std::optional<RememberedLease> load_remembered_lease(const std::filesystem::path& path, std::int64_t now);
/// Keeps it at `path`, replacing what was there in one step.
void remember_lease(const std::filesystem::path& path, const RememberedLease& lease);
void forget_lease(const std::filesystem::path& path);

}  // namespace emu::host
