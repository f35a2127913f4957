#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <optional>

#include "lib/util/unique_fd.hpp"

namespace emu::net {

/// Where named network namespaces live, the iproute2 way, so `ip netns exec` finds ours.
inline const std::filesystem::path kNetnsDirectory{"/run/netns"};

/// Makes /run/netns and turns it into a shared mount point, as iproute2 does, so that a
/// namespace unregistered here is also unmounted in every mount namespace copied from
/// this one (a process started in a node has such a copy).
void prepare_netns_directory();

/// The network namespace the calling thread is in now.
util::UniqueFd current_netns();

/// Moves the calling thread into the network namespace `fd` refers to.
void enter_netns(int fd);

/// Runs `work` on the calling thread inside the registered namespace at `path` (to open a
/// socket there, which stays in it), then returns the thread to where it was, also when
/// `work` throws.
void run_in_netns(const std::filesystem::path& path, const std::function<void()>& work);

/// A registered network namespace that this process just made.
struct NamedNetns {
    util::UniqueFd fd;  ///< to place devices in it (IFLA_NET_NS_FD) or enter it
    ino_t inode = 0;    ///< its identity, as /proc/PID/ns/net shows it
};

/// Makes a network namespace registered at `path` (which must not exist), runs `inside` on
/// the calling thread while in it (to open sockets there, set sysctls), then returns the
/// thread to `home`. On any failure nothing of it is left and the error is thrown.
NamedNetns create_named_netns(const std::filesystem::path& path, int home, const std::function<void()>& inside);

/// Unregisters a named namespace (unmount, unlink). The kernel frees the namespace, and
/// every device in it, once no process, socket or mount holds it. A missing one is fine.
void remove_named_netns(const std::filesystem::path& path);

/// The namespace inode behind a registered path, if the path is a registered namespace.
std::optional<ino_t> netns_inode(const std::filesystem::path& path);

}  // namespace emu::net
