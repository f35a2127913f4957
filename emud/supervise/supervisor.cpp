#include "emud/supervise/supervisor.hpp"

#include <sys/wait.h>

#include <algorithm>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "emud/supervise/process_identity.hpp"
#include "lib/util/files.hpp"

namespace emu::supervise {
namespace {

constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::seconds(30);
constexpr auto kStableRun = std::chrono::seconds(10);

// A line of our own in the node's log, so the log tells the whole story of its processes.
void log_line(const std::filesystem::path& file, const std::string& text) {
    auto line = fmt::format("[emu {:%Y-%m-%dT%H:%M:%S}] {}\n", fmt::localtime(std::time(nullptr)), text);
    if (FILE* out = std::fopen(file.c_str(), "ae")) {
        std::fputs(line.c_str(), out);
        std::fclose(out);
    }
}

}  // namespace

std::string_view to_string(ProcessState state) {
    switch (state) {
        case ProcessState::running: return "running";
        case ProcessState::exited: return "exited";
        case ProcessState::crashed: return "crashed";
        case ProcessState::restarting: return "restarting";
        case ProcessState::failed: return "failed";
        case ProcessState::ended: return "ended";
    }
    return "?";
}

std::optional<ProcessState> process_state_named(std::string_view name) {
    for (auto state : {ProcessState::running, ProcessState::exited, ProcessState::crashed, ProcessState::restarting,
                       ProcessState::failed, ProcessState::ended}) {
        if (to_string(state) == name) return state;
    }
    return std::nullopt;
}

Supervisor::Supervisor(asio::io_context& io) : io_(io), child_signals_(io, SIGCHLD) { wait_for_children(); }

void Supervisor::wait_for_children() {
    child_signals_.async_wait([this](const boost::system::error_code& error, int) {
        if (error) return;
        reap();
        wait_for_children();
    });
}

void Supervisor::reap() {
    int wait_status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &wait_status, WNOHANG)) > 0) {
        auto it = running_.find(pid);
        if (it == running_.end()) continue;
        Entry& entry = *it->second;
        running_.erase(it);
        on_exit(entry, wait_status);
    }
}

void Supervisor::start(ProcessSpec spec, std::function<void()> on_ready) {
    Entry& entry = entries_.emplace_back();
    entry.status.lab = spec.launch.lab;
    entry.status.node = spec.launch.node;
    entry.status.name = spec.name;
    entry.status.command = spec.command;
    entry.spec = std::move(spec);
    entry.on_ready = std::move(on_ready);
    entry.spec.launch.ready_notification = entry.on_ready != nullptr;
    launch(entry);
}

void Supervisor::watch_ready(Entry& entry, util::UniqueFd pipe) {
    entry.ready_pipe = std::make_unique<asio::posix::stream_descriptor>(io_, pipe.release());
    entry.ready_pipe->async_read_some(asio::buffer(entry.ready_buffer),
                                      [this, &entry](const boost::system::error_code& error, std::size_t) {
                                          // Aborted: the entry is being forgotten with its lab.
                                          if (error == asio::error::operation_aborted) return;
                                          report_ready(entry);
                                      });
}

void Supervisor::report_ready(Entry& entry) {
    // Only the first start is waited for; a restarted program gets no pipe.
    entry.spec.launch.ready_notification = false;
    entry.ready_pipe.reset();
    auto on_ready = std::move(entry.on_ready);
    entry.on_ready = nullptr;
    if (on_ready) on_ready();
}

void Supervisor::launch(Entry& entry) {
    entry.status.since = std::chrono::system_clock::now();
    try {
        auto launched = launch_in_node(entry.spec.launch);
        pid_t pid = launched.pid;
        entry.status.pid = pid;
        entry.status.state = ProcessState::running;
        entry.status.error.clear();
        entry.status.adopted = false;
        // Our child, unreaped: its /proc entry is there even if it has ended already.
        entry.status.start_ticks = process_start_ticks(pid).value_or(0);
        entry.started = std::chrono::steady_clock::now();
        running_[pid] = &entry;
        log_line(entry.spec.launch.log_file, fmt::format("{} started: {} (pid {})", entry.spec.name, entry.spec.command, pid));
        notify(entry);
        if (launched.ready) watch_ready(entry, std::move(launched.ready));
    } catch (const std::exception& error) {
        entry.status.pid = 0;
        entry.status.state = ProcessState::failed;
        entry.status.error = error.what();
        spdlog::warn("process.start_failed lab={} node={} {}: {}", entry.status.lab, entry.status.node,
                     entry.spec.name, error.what());
        log_line(entry.spec.launch.log_file, fmt::format("{} could not start: {}", entry.spec.name, error.what()));
        notify(entry);
        report_ready(entry);  // nothing to wait for
    }
}

void Supervisor::on_exit(Entry& entry, int wait_status) {
    entry.status.pid = 0;
    entry.status.since = std::chrono::system_clock::now();
    bool failed = true;
    std::string how;
    if (WIFEXITED(wait_status)) {
        entry.status.state = ProcessState::exited;
        entry.status.exit_code = WEXITSTATUS(wait_status);
        failed = entry.status.exit_code != 0;
        how = fmt::format("exited with status {}", entry.status.exit_code);
    } else {
        entry.status.state = ProcessState::crashed;
        entry.status.signal = WTERMSIG(wait_status);
        how = fmt::format("was killed by signal {} ({})", entry.status.signal, strsignal(entry.status.signal));
    }
    log_line(entry.spec.launch.log_file, fmt::format("{} {}", entry.spec.name, how));
    notify(entry);
    apply_restart_policy(entry, failed);
}

void Supervisor::apply_restart_policy(Entry& entry, bool failed) {
    bool restart = entry.spec.restart == topology::RestartPolicy::always ||
                   (entry.spec.restart == topology::RestartPolicy::on_failure && failed);
    if (!restart) return;
    if (std::chrono::steady_clock::now() - entry.started >= kStableRun) entry.backoff_step = 0;
    auto delay = std::min<std::chrono::milliseconds>(kFirstBackoff * (1 << std::min(entry.backoff_step, 16)),
                                                      kMaxBackoff);
    ++entry.backoff_step;
    ++entry.status.restarts;
    entry.status.state = ProcessState::restarting;
    entry.restart_timer = std::make_unique<asio::steady_timer>(io_, delay);
    entry.restart_timer->async_wait([this, &entry](const boost::system::error_code& error) {
        if (!error && entry.status.state == ProcessState::restarting) launch(entry);
    });
}

void Supervisor::adopt(ProcessSpec spec, const ProcessStatus& earlier) {
    Entry& entry = entries_.emplace_back();
    entry.status = earlier;
    entry.status.lab = spec.launch.lab;
    entry.status.node = spec.launch.node;
    entry.status.name = spec.name;
    entry.status.command = spec.command;
    entry.spec = std::move(spec);
    entry.spec.launch.ready_notification = false;
    // An earlier emud's steady clock means nothing here: the backoff starts afresh.
    entry.started = std::chrono::steady_clock::now();
    switch (earlier.state) {
        case ProcessState::running:
            if (earlier.pid > 0 && earlier.start_ticks != 0 && process_start_ticks(earlier.pid) == earlier.start_ticks) {
                try {
                    entry.pidfd = std::make_unique<asio::posix::stream_descriptor>(io_, open_pidfd(earlier.pid).release());
                    entry.status.adopted = true;
                    watch_adopted(entry);
                    return;
                } catch (const std::exception&) {
                    // It ended between the two looks: as if it had ended before.
                }
            }
            on_unknown_end(entry);
            return;
        case ProcessState::restarting:  // its backoff ran out with the emud that waited
        case ProcessState::ended:
            on_unknown_end(entry);
            return;
        case ProcessState::exited:
            apply_restart_policy(entry, earlier.exit_code != 0);
            return;
        case ProcessState::crashed:
            apply_restart_policy(entry, true);
            return;
        case ProcessState::failed:
            return;  // it could not start; as with a first start, it is not tried again
    }
}

void Supervisor::watch_adopted(Entry& entry) {
    entry.pidfd->async_wait(asio::posix::stream_descriptor::wait_read, [this, &entry](const boost::system::error_code& error) {
        if (error == asio::error::operation_aborted) return;  // forgotten with its lab, or emud stops
        entry.pidfd.reset();
        on_unknown_end(entry);
    });
}

void Supervisor::on_unknown_end(Entry& entry) {
    entry.status.pid = 0;
    entry.status.since = std::chrono::system_clock::now();
    entry.status.state = ProcessState::ended;
    entry.status.adopted = false;
    log_line(entry.spec.launch.log_file,
             fmt::format("{} ended; an earlier emud started it, so how it ended is not known", entry.spec.name));
    notify(entry);
    apply_restart_policy(entry, true);
}

void Supervisor::notify(const Entry& entry) const {
    if (observer_) observer_(entry.status);
}

bool Supervisor::knows(const std::string& lab, const std::string& node, const std::string& name) const {
    return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& entry) {
        return entry.status.lab == lab && entry.status.node == node && entry.status.name == name;
    });
}

void Supervisor::stop() {
    boost::system::error_code ignored;
    child_signals_.cancel(ignored);
    for (auto& entry : entries_) {
        if (entry.restart_timer) entry.restart_timer->cancel();
        entry.ready_pipe.reset();  // nobody waits for readiness any more
        entry.pidfd.reset();
    }
}

void Supervisor::forget_lab(const std::string& lab) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->status.lab != lab) {
            ++it;
            continue;
        }
        if (it->restart_timer) it->restart_timer->cancel();
        if (it->status.pid != 0) running_.erase(it->status.pid);
        it = entries_.erase(it);
    }
}

std::vector<ProcessStatus> Supervisor::status(const std::string& lab) const {
    std::vector<ProcessStatus> result;
    for (const auto& entry : entries_) {
        if (entry.status.lab == lab) result.push_back(entry.status);
    }
    return result;
}

}  // namespace emu::supervise
