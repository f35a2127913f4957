#include "emud/supervise/launcher.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include "lib/net/node_entry.hpp"
#include "lib/util/paths.hpp"
#include "lib/util/system_error.hpp"
#include "lib/util/unique_fd.hpp"

namespace emu::supervise {
namespace {

// What the child reports through the close-on-exec pipe when it cannot exec.
struct ChildFailure {
    int error_number;
    char step[96];
};

[[noreturn]] void child_fail(int pipe_fd, int error_number, const char* step) {
    ChildFailure failure{};
    failure.error_number = error_number;
    std::size_t length = 0;
    while (step[length] != '\0' && length + 1 < sizeof failure.step) {
        failure.step[length] = step[length];
        ++length;
    }
    ssize_t ignored = ::write(pipe_fd, &failure, sizeof failure);
    (void)ignored;
    ::_exit(127);
}

// A descriptor moved to 4 or above, so that the child can put the ready pipe on 3
// without closing one it still needs.
util::UniqueFd above_ready_fd(util::UniqueFd fd) {
    if (fd.get() > 3) return fd;
    util::UniqueFd moved(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 4));
    if (!moved) util::throw_errno("fcntl(F_DUPFD_CLOEXEC)");
    return moved;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> result;
    for (auto& s : strings) result.push_back(s.data());
    result.push_back(nullptr);
    return result;
}

}  // namespace

std::vector<std::string> node_environment(const std::string& lab, const std::string& node) {
    // emu's node programs (emu-host …) are found by name too, after the system's.
    return {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:" + util::program_dir().string(),
            "LANG=C.UTF-8",
            "HOME=/root",
            "HOSTNAME=" + node,
            "EMU_LAB=" + lab,
            "EMU_NODE=" + node};
}

Launched launch_in_node(const LaunchSpec& spec) {
    if (spec.argv.empty()) throw std::invalid_argument("nothing to run");
    // Everything the child needs is made here, before fork: after it, only system calls.
    net::NodeEntry entry(spec.netns_path, spec.etc_directory, spec.node);
    util::UniqueFd log(::open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    if (!log) util::throw_errno("open " + spec.log_file.string());
    util::UniqueFd null_input(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null_input) util::throw_errno("open /dev/null");
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) util::throw_errno("pipe");
    util::UniqueFd report_read(report[0]);
    auto report_write = above_ready_fd(util::UniqueFd(report[1]));
    // The ready pipe's write end becomes descriptor 3 in the program, the one descriptor
    // past stdio it inherits.
    constexpr int kReadyFd = 3;
    util::UniqueFd ready_read, ready_write;
    if (spec.ready_notification) {
        int ready[2];
        if (::pipe2(ready, O_CLOEXEC) != 0) util::throw_errno("pipe");
        ready_read.reset(ready[0]);
        ready_write = above_ready_fd(util::UniqueFd(ready[1]));
    }
    auto argv_strings = spec.argv;
    auto environment_strings = node_environment(spec.lab, spec.node);
    if (ready_write) environment_strings.push_back(std::string(kReadyFdVariable) + "=" + std::to_string(kReadyFd));
    auto argv = pointers(argv_strings);
    auto environment = pointers(environment_strings);

    pid_t pid = ::fork();
    if (pid < 0) util::throw_errno("fork");
    if (pid == 0) {
        int pipe_fd = report_write.get();
        ::setsid();
        ::signal(SIGPIPE, SIG_DFL);  // emud ignores it; an ignored signal would outlive exec
        const char* step = "";
        if (int error = entry.enter(&step); error != 0) child_fail(pipe_fd, error, step);
        if (::dup2(null_input.get(), STDIN_FILENO) < 0 || ::dup2(log.get(), STDOUT_FILENO) < 0 ||
            ::dup2(log.get(), STDERR_FILENO) < 0) {
            child_fail(pipe_fd, errno, "redirect output to the log");
        }
        if (::chdir("/") != 0) child_fail(pipe_fd, errno, "chdir /");
        // Whatever emud has open (sockets of other clients, libraries' files) ends at exec.
        ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
        if (ready_write && ::dup2(ready_write.get(), kReadyFd) < 0) child_fail(pipe_fd, errno, "pass the ready pipe");
        // execvpe's PATH search reads the PATH we pass, not emud's.
        ::execvpe(argv[0], argv.data(), environment.data());
        child_fail(pipe_fd, errno, "exec");
    }
    report_write.reset();
    ready_write.reset();
    ChildFailure failure{};
    ssize_t got;
    do {
        got = ::read(report_read.get(), &failure, sizeof failure);
    } while (got < 0 && errno == EINTR);
    if (got == static_cast<ssize_t>(sizeof failure)) {
        ::waitpid(pid, nullptr, 0);
        throw std::runtime_error(std::string("cannot ") + failure.step + " for `" + spec.argv.front() +
                                 "` in node " + spec.node + ": " + std::strerror(failure.error_number));
    }
    return {pid, std::move(ready_read)};
}

}  // namespace emu::supervise
