#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <set>
#include <vector>

namespace emu::net {

/// Every process with at least one thread in one of these network namespaces (by inode),
/// found by reading /proc/PID/task/TID/ns/net; this process itself is never listed.
std::vector<pid_t> processes_in_netns(const std::set<ino_t>& namespaces);

/// SIGKILLs every process in these namespaces (that `only` accepts, when given) and waits,
/// on pidfds, until each has exited, scanning again for any forked meanwhile. Returns how
/// many were killed; throws when some are still there at the deadline.
std::size_t kill_processes_in_netns(const std::set<ino_t>& namespaces, std::chrono::milliseconds deadline,
                                    const std::function<bool(pid_t)>& only = {});

}  // namespace emu::net
