#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "lib/util/unique_fd.hpp"

namespace emu::supervise {

/// When a process started, in clock ticks since boot (proc(5), /proc/PID/stat field 22):
/// with its pid, what tells a process from a later one that reuses the pid. nullopt when
/// there is no such process, or it has ended and only its zombie is left.
std::optional<std::uint64_t> process_start_ticks(pid_t pid);

/// A pidfd for a process that need not be our child (pidfd_open(2), Linux 5.3): it becomes
/// readable when the process ends. Throws when the process is gone.
util::UniqueFd open_pidfd(pid_t pid);

}  // namespace emu::supervise
