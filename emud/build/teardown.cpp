#include "emud/build/teardown.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "lib/net/netns.hpp"
#include "lib/net/netns_processes.hpp"
#include "lib/util/files.hpp"

namespace emu::build {
namespace {

// Defence in depth: a journal is root's own file, but a path read from it is checked to be
// one this lab could have made before anything is removed.
bool is_lab_path(const std::filesystem::path& path, const std::filesystem::path& directory, const std::string& lab) {
    auto name = path.filename().string();
    return path.parent_path() == directory &&
           (name.rfind("emu-" + lab + "-", 0) == 0 || name == fabric_netns_name(lab));
}

// Processes found only through a recorded inode (the namespace was unregistered meanwhile)
// are killed only when they carry our tag: a freed inode number can be reused.
bool tagged_for_lab(pid_t pid, const std::string& lab) {
    auto environment = util::read_file("/proc/" + std::to_string(pid) + "/environ");
    if (!environment) return false;
    std::string tag = "EMU_LAB=" + lab;
    std::size_t start = 0;
    while (start < environment->size()) {
        auto end = environment->find('\0', start);
        if (end == std::string::npos) end = environment->size();
        if (environment->compare(start, end - start, tag) == 0) return true;
        start = end + 1;
    }
    return false;
}

}  // namespace

TeardownReport tear_down(const JournalContents& journal, const PlanPaths& paths,
                         std::chrono::milliseconds kill_deadline) {
    TeardownReport report;
    std::vector<std::filesystem::path> namespaces;
    for (const auto& path : journal.namespaces) {
        if (std::find(journal.foreign_namespaces.begin(), journal.foreign_namespaces.end(), path) !=
            journal.foreign_namespaces.end()) {
            continue;  // another lab's, which won the race for the name
        }
        if (is_lab_path(path, paths.netns_directory, journal.lab)) {
            namespaces.push_back(path);
        } else {
            spdlog::warn("teardown.refused lab={} path={}: not a namespace of this lab", journal.lab, path.string());
        }
    }

    std::set<ino_t> registered;
    std::set<ino_t> unregistered;
    bool same_boot = journal.boot_id == current_boot_id();
    for (const auto& path : namespaces) {
        if (auto inode = net::netns_inode(path)) {
            registered.insert(*inode);
        } else if (auto recorded = journal.namespace_inodes.find(path);
                   same_boot && recorded != journal.namespace_inodes.end()) {
            unregistered.insert(recorded->second);
        }
    }
    report.processes_killed = net::kill_processes_in_netns(registered, kill_deadline);
    report.processes_killed += net::kill_processes_in_netns(
        unregistered, kill_deadline, [&](pid_t pid) { return tagged_for_lab(pid, journal.lab); });

    for (const auto& path : namespaces) {
        if (std::filesystem::exists(path)) ++report.namespaces_removed;
        net::remove_named_netns(path);
    }
    for (const auto& directory : journal.etc_directories) {
        if (!is_lab_path(directory, paths.etc_directory, journal.lab)) {
            spdlog::warn("teardown.refused lab={} path={}: not a directory of this lab", journal.lab,
                         directory.string());
            continue;
        }
        std::error_code error;
        if (std::filesystem::remove_all(directory, error) > 0) ++report.directories_removed;
        if (error) throw std::runtime_error("remove " + directory.string() + ": " + error.message());
    }
    return report;
}

}  // namespace emu::build
