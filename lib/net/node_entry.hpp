#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "lib/util/unique_fd.hpp"

namespace emu::net {

/// What it takes to run a program inside a node, gathered before fork() so that the child
/// makes only system calls between fork and exec.
class NodeEntry {
public:
    /// Opens the node's registered network namespace and lists the files of its /etc
    /// directory (/etc/netns/<name>, the iproute2 convention). Throws when the node is gone.
    NodeEntry(const std::filesystem::path& netns_path, const std::filesystem::path& etc_directory,
              std::string hostname);

    /// Joins the node as `ip netns exec` would — its network namespace, a mount namespace of
    /// its own (a slave of the host's, so the host's unmounts still reach it) with the node's
    /// /etc files bound over /etc and a /sys that shows the node's devices — plus a UTS
    /// namespace named after the node. Returns 0, or an errno with `failed_step` set.
    /// Async-signal-safe: fit for a child between fork and exec.
    int enter(const char** failed_step) const noexcept;

private:
    util::UniqueFd netns_;
    std::vector<std::pair<std::string, std::string>> binds_;  // source, target
    std::string hostname_;
};

}  // namespace emu::net
