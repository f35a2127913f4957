#include "lib/net/node_entry.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

#include "lib/util/system_error.hpp"

namespace emu::net {

NodeEntry::NodeEntry(const std::filesystem::path& netns_path, const std::filesystem::path& etc_directory,
                     std::string hostname)
    : netns_(::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC)), hostname_(std::move(hostname)) {
    if (!netns_) util::throw_errno("open " + netns_path.string());
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(etc_directory, error)) {
        auto target = std::filesystem::path("/etc") / entry.path().filename();
        if (std::filesystem::exists(target)) binds_.emplace_back(entry.path().string(), target.string());
    }
}

int NodeEntry::enter(const char** failed_step) const noexcept {
    auto fail = [&](const char* step) {
        *failed_step = step;
        return errno;
    };
    if (::setns(netns_.get(), CLONE_NEWNET) != 0) return fail("join the node's network namespace");
    if (::unshare(CLONE_NEWNS | CLONE_NEWUTS) != 0) return fail("make a mount namespace");
    // Slave, not private: when the host unregisters a namespace under /run/netns, the unmount
    // must reach this copy too, or it would keep that namespace alive.
    if (::mount("", "/", nullptr, MS_SLAVE | MS_REC, nullptr) != 0) return fail("make / a slave mount");
    for (const auto& [source, target] : binds_) {
        if (::mount(source.c_str(), target.c_str(), "none", MS_BIND, nullptr) != 0) return fail("bind the node's /etc");
    }
    unsigned long sysfs_flags = 0;
    if (::umount2("/sys", MNT_DETACH) != 0) {
        struct statvfs status {};
        if (::statvfs("/sys", &status) == 0 && (status.f_flag & ST_RDONLY) != 0) sysfs_flags = MS_RDONLY;
    }
    if (::mount("sysfs", "/sys", "sysfs", sysfs_flags, nullptr) != 0) return fail("mount the node's /sys");
    if (::sethostname(hostname_.data(), hostname_.size()) != 0) return fail("set the node's hostname");
    return 0;
}

}  // namespace emu::net
