#include "lib/net/netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <linux/magic.h>

#include "lib/util/system_error.hpp"

namespace emu::net {

void prepare_netns_directory() {
    std::error_code error;
    std::filesystem::create_directories(kNetnsDirectory, error);
    if (error) throw util::SystemError("create " + kNetnsDirectory.string(), error.value());
    ::chmod(kNetnsDirectory.c_str(), 0755);
    // Same dance as iproute2's netns_add(): make it shared; if it is not a mount point yet,
    // bind it onto itself first.
    if (::mount("", kNetnsDirectory.c_str(), "none", MS_SHARED | MS_REC, nullptr) == 0) return;
    if (errno != EINVAL) util::throw_errno("make " + kNetnsDirectory.string() + " a shared mount");
    if (::mount(kNetnsDirectory.c_str(), kNetnsDirectory.c_str(), "none", MS_BIND | MS_REC, nullptr) != 0) {
        util::throw_errno("bind " + kNetnsDirectory.string());
    }
    if (::mount("", kNetnsDirectory.c_str(), "none", MS_SHARED | MS_REC, nullptr) != 0) {
        util::throw_errno("make " + kNetnsDirectory.string() + " a shared mount");
    }
}

util::UniqueFd current_netns() {
    // thread-self, not self: the namespace is a property of each thread.
    util::UniqueFd fd(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!fd) util::throw_errno("open /proc/thread-self/ns/net");
    return fd;
}

void enter_netns(int fd) {
    if (::setns(fd, CLONE_NEWNET) != 0) util::throw_errno("setns");
}

void run_in_netns(const std::filesystem::path& path, const std::function<void()>& work) {
    auto home = current_netns();
    util::UniqueFd target(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!target) util::throw_errno("open " + path.string());
    enter_netns(target.get());
    try {
        work();
    } catch (...) {
        enter_netns(home.get());
        throw;
    }
    enter_netns(home.get());
}

NamedNetns create_named_netns(const std::filesystem::path& path, int home, const std::function<void()>& inside) {
    {
        util::UniqueFd anchor(::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0));
        if (!anchor) util::throw_errno("create " + path.string());
    }
    bool mounted = false;
    bool moved = false;
    try {
        if (::unshare(CLONE_NEWNET) != 0) util::throw_errno("unshare a network namespace for " + path.string());
        moved = true;
        if (::mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) {
            util::throw_errno("bind " + path.string());
        }
        mounted = true;
        NamedNetns created;
        created.fd = current_netns();
        struct stat status {};
        if (::fstat(created.fd.get(), &status) != 0) util::throw_errno("stat " + path.string());
        created.inode = status.st_ino;
        inside();
        enter_netns(home);
        return created;
    } catch (...) {
        if (moved) ::setns(home, CLONE_NEWNET);
        if (mounted) ::umount2(path.c_str(), MNT_DETACH);
        ::unlink(path.c_str());
        throw;
    }
}

void remove_named_netns(const std::filesystem::path& path) {
    if (::umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
        util::throw_errno("unmount " + path.string());
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) util::throw_errno("remove " + path.string());
}

std::optional<ino_t> netns_inode(const std::filesystem::path& path) {
    struct statfs filesystem {};
    if (::statfs(path.c_str(), &filesystem) != 0 || filesystem.f_type != NSFS_MAGIC) return std::nullopt;
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) return std::nullopt;
    return status.st_ino;
}

}  // namespace emu::net
