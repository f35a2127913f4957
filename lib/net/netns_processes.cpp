#include "lib/net/netns_processes.hpp"

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "lib/util/unique_fd.hpp"

namespace emu::net {
namespace {

// glibc 2.36's <sys/pidfd.h> lacks extern "C", so C++ cannot link its wrappers.
int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
int pidfd_kill(int pidfd) { return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0)); }

struct DirectoryCloser {
    void operator()(DIR* directory) const { ::closedir(directory); }
};
using Directory = std::unique_ptr<DIR, DirectoryCloser>;

std::optional<pid_t> numeric(const char* name) {
    pid_t value = 0;
    std::string_view text(name);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

bool any_thread_in(pid_t pid, const std::set<ino_t>& namespaces) {
    std::string task_directory = "/proc/" + std::to_string(pid) + "/task";
    Directory tasks(::opendir(task_directory.c_str()));
    if (!tasks) return false;  // gone meanwhile
    while (dirent* entry = ::readdir(tasks.get())) {
        if (!numeric(entry->d_name)) continue;
        struct stat status {};
        std::string link = task_directory + "/" + entry->d_name + "/ns/net";
        // Fails for a zombie or a thread that just exited: it holds no namespace any more.
        if (::stat(link.c_str(), &status) == 0 && namespaces.count(status.st_ino) != 0) return true;
    }
    return false;
}

}  // namespace

std::vector<pid_t> processes_in_netns(const std::set<ino_t>& namespaces) {
    std::vector<pid_t> found;
    if (namespaces.empty()) return found;
    Directory proc(::opendir("/proc"));
    if (!proc) throw std::runtime_error("cannot read /proc");
    pid_t self = ::getpid();
    while (dirent* entry = ::readdir(proc.get())) {
        auto pid = numeric(entry->d_name);
        if (!pid || *pid == self) continue;
        if (any_thread_in(*pid, namespaces)) found.push_back(*pid);
    }
    return found;
}

std::size_t kill_processes_in_netns(const std::set<ino_t>& namespaces, std::chrono::milliseconds deadline,
                                    const std::function<bool(pid_t)>& only) {
    auto give_up_at = std::chrono::steady_clock::now() + deadline;
    std::size_t killed = 0;
    while (true) {
        auto pids = processes_in_netns(namespaces);
        if (only) std::erase_if(pids, [&](pid_t pid) { return !only(pid); });
        if (pids.empty()) return killed;
        // A pidfd names the process, not the number: no signal can reach a reused pid, and
        // poll() tells when it has exited.
        std::vector<util::UniqueFd> handles;
        for (pid_t pid : pids) {
            util::UniqueFd handle(pidfd_open(pid));
            if (!handle) continue;  // already gone
            if (pidfd_kill(handle.get()) == 0) ++killed;
            handles.push_back(std::move(handle));
        }
        std::vector<pollfd> waiting;
        for (const auto& handle : handles) waiting.push_back(pollfd{handle.get(), POLLIN, 0});
        while (!waiting.empty()) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up_at - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                throw std::runtime_error(std::to_string(waiting.size()) +
                                         " processes in the lab did not exit after SIGKILL (stuck in the kernel?)");
            }
            int ready = ::poll(waiting.data(), waiting.size(), static_cast<int>(left.count()));
            if (ready < 0 && errno != EINTR) throw std::runtime_error("poll on pidfds failed");
            std::erase_if(waiting, [](const pollfd& p) { return (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0; });
        }
    }
}

}  // namespace emu::net
