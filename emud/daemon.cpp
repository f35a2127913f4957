#include "emud/daemon.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "emud/api/server.hpp"
#include "emud/build/builder.hpp"
#include "emud/lab_manager.hpp"
#include "emud/supervise/supervisor.hpp"
#include "lib/util/log.hpp"
#include "lib/util/paths.hpp"
#include "lib/util/system_error.hpp"
#include "lib/util/unique_fd.hpp"

namespace emu::daemon {
namespace {

// Reports to whoever started us (the `emu` CLI, or our own parent when daemonizing):
// "ready", or the reason we could not start.
void report(std::optional<int>& fd, const std::string& message) {
    if (!fd) return;
    std::string line = message + "\n";
    ssize_t ignored = ::write(*fd, line.data(), line.size());
    (void)ignored;
    ::close(*fd);
    fd.reset();
}

// A lab of 1000 nodes holds two descriptors per namespace while it is being built.
void raise_descriptor_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// Detaches from the terminal: the parent waits for the child's report, says it, and exits
// with 0 only when the daemon is ready.
void daemonize(DaemonOptions& options, const std::filesystem::path& log_file) {
    int report_pipe[2];
    if (::pipe2(report_pipe, O_CLOEXEC) != 0) util::throw_errno("pipe");
    pid_t pid = ::fork();
    if (pid < 0) util::throw_errno("fork");
    if (pid > 0) {
        ::close(report_pipe[1]);
        std::string message;
        char chunk[512];
        ssize_t n;
        while ((n = ::read(report_pipe[0], chunk, sizeof chunk)) > 0) message.append(chunk, static_cast<std::size_t>(n));
        bool ready = message.rfind("ready", 0) == 0;
        if (!ready) std::fprintf(stderr, "emud: %s", message.empty() ? "exited before it was ready\n" : message.c_str());
        if (options.ready_fd) report(options.ready_fd, ready ? "ready" : message);
        std::_Exit(ready ? 0 : 1);
    }
    ::close(report_pipe[0]);
    if (options.ready_fd) ::close(*options.ready_fd);
    // Whatever the starter had open (a test's pipes, a terminal's files) is not ours to keep.
    int keep = report_pipe[1];
    if (keep > 3) ::syscall(SYS_close_range, 3U, static_cast<unsigned>(keep - 1), 0U);
    ::syscall(SYS_close_range, static_cast<unsigned>(keep + 1), ~0U, 0U);
    options.ready_fd = keep;
    ::setsid();
    util::UniqueFd null_input(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    util::UniqueFd log(::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (null_input) ::dup2(null_input.get(), STDIN_FILENO);
    if (log) {
        ::dup2(log.get(), STDOUT_FILENO);
        ::dup2(log.get(), STDERR_FILENO);
    }
    if (::chdir("/") != 0) util::throw_errno("chdir /");
}

}  // namespace

int run_daemon(const DaemonOptions& given) {
    DaemonOptions options = given;
    auto runtime = util::runtime_dir();
    auto state = util::state_dir();
    util::UniqueFd lock;
    try {
        if (::geteuid() != 0) throw std::runtime_error("emud needs root: it makes network namespaces");
        std::filesystem::create_directories(runtime);
        std::filesystem::create_directories(state / "labs");
        ::chmod(runtime.c_str(), 0755);
        if (!options.foreground) daemonize(options, runtime / "emud.log");
        util::init_logging("emud", options.log_level);
        lock.reset(::open((runtime / "emud.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (!lock) util::throw_errno("open " + (runtime / "emud.lock").string());
        if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
            throw std::runtime_error("another emud already serves " + runtime.string());
        }
        std::string pid = std::to_string(::getpid()) + "\n";
        if (::ftruncate(lock.get(), 0) != 0 || ::write(lock.get(), pid.data(), pid.size()) < 0) {
            util::throw_errno("write " + (runtime / "emud.lock").string());
        }
        raise_descriptor_limit();
        std::signal(SIGPIPE, SIG_IGN);

        asio::io_context io;
        supervise::Supervisor supervisor(io);
        DaemonPaths paths{runtime, state, {}};
        LabManager labs(io, supervisor, paths, build::FaultPoint::from_environment());
        labs.recover();
        api::ControlServer server(io, util::control_socket_path(), labs);
        server.start();
        asio::signal_set stop_signals(io, SIGTERM, SIGINT);
        // Stopping takes no new work and lets what runs finish (the reply to `shutdown` is
        // still written); sessions that linger, like a `logs -f`, are cut off after 2 s.
        std::optional<std::chrono::steady_clock::time_point> stop_deadline;
        auto stop = [&] {
            server.stop();
            supervisor.stop();
            boost::system::error_code ignored;
            stop_signals.cancel(ignored);
            stop_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        };
        labs.on_shutdown([&] {
            spdlog::info("emud.stopping requested by a client");
            stop();
        });
        stop_signals.async_wait([&](const boost::system::error_code& error, int signal) {
            if (error) return;
            spdlog::info("emud.stopping signal={}", signal);
            stop();
        });
        spdlog::info("emud.ready pid={} runtime={} state={}", ::getpid(), runtime.string(), state.string());
        report(options.ready_fd, "ready");
        while (stop_deadline ? io.run_one_until(*stop_deadline) > 0 : io.run_one() > 0) {
        }
        server.stop();
        std::error_code ignored;
        std::filesystem::remove(util::control_socket_path(), ignored);
        spdlog::info("emud.stopped (labs stay up; `emu down --all` removes them)");
        return 0;
    } catch (const std::exception& error) {
        report(options.ready_fd, error.what());
        std::fprintf(stderr, "emud: %s\n", error.what());
        return 1;
    }
}

}  // namespace emu::daemon
