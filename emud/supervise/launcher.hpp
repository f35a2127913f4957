#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace emu::supervise {

/// A program to run inside a node.
struct LaunchSpec {
    std::string lab;
    std::string node;
    std::vector<std::string> argv;
    std::filesystem::path netns_path;
    std::filesystem::path etc_directory;
    std::filesystem::path log_file;  ///< stdout and stderr are appended here
};

/// The environment a program in a node starts with: a fixed PATH and locale (the lab
/// behaves the same whoever started emud), and EMU_LAB / EMU_NODE, which also tag the
/// process so that `emu down` can find it whatever happens to the namespace.
std::vector<std::string> node_environment(const std::string& lab, const std::string& node);

/// Forks, joins the node (network, mount and UTS namespaces, /etc files), and execs. Returns
/// the pid once the exec has succeeded; throws with the reason when it did not (no such
/// node, no such program …). The child runs in a session of its own.
pid_t launch_in_node(const LaunchSpec& spec);

}  // namespace emu::supervise
