#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "lib/util/unique_fd.hpp"

namespace emu::supervise {

/// A program to run inside a node.
struct LaunchSpec {
    std::string lab;
    std::string node;
    std::vector<std::string> argv;
    std::filesystem::path netns_path;
    std::filesystem::path etc_directory;
    std::filesystem::path log_file;  ///< stdout and stderr are appended here
    /// Gives the program a pipe to say it is ready on: its write end as EMU_READY_FD (the
    /// s6 notification-fd idea), so that a server can be known to be listening before the
    /// clients that need it start.
    bool ready_notification = false;
};

/// The environment variable that names the ready pipe's descriptor.
inline constexpr const char* kReadyFdVariable = "EMU_READY_FD";

/// A started program.
struct Launched {
    pid_t pid = 0;
    /// The ready pipe's read end (with ready_notification): a line arrives when the program
    /// is ready, end of file if it ends or closes it first.
    util::UniqueFd ready;
};

/// The environment a program in a node starts with: a fixed PATH (emu's programs last) and locale (the lab
/// behaves the same whoever started emud), and EMU_LAB / EMU_NODE, which also tag the
/// process so that `emu down` can find it whatever happens to the namespace.
std::vector<std::string> node_environment(const std::string& lab, const std::string& node);

/// Forks, joins the node (network, mount and UTS namespaces, /etc files), and execs. Returns
/// once the exec has succeeded; throws with the reason when it did not (no such node, no
/// such program …). The child runs in a session of its own.
Launched launch_in_node(const LaunchSpec& spec);

}  // namespace emu::supervise
