#pragma once

#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emud/supervise/launcher.hpp"
#include "emud/topology/model.hpp"
#include "lib/net/asio.hpp"

namespace emu::supervise {

/// What a supervised process is doing now. `ended`: a process an earlier emud started has
/// ended; it was not our child, so how it ended (its exit status) is unknown.
enum class ProcessState { running, exited, crashed, restarting, failed, ended };

std::string_view to_string(ProcessState state);
/// The state a name stands for (as to_string() writes it); nullopt for any other text.
std::optional<ProcessState> process_state_named(std::string_view name);

/// A process to keep running inside a node.
struct ProcessSpec {
    LaunchSpec launch;
    std::string name;     ///< "exec[0]", or the service it runs
    std::string command;  ///< as the user wrote it, for status
    topology::RestartPolicy restart = topology::RestartPolicy::never;
};

struct ProcessStatus {
    std::string lab;
    std::string node;
    std::string name;
    std::string command;
    ProcessState state = ProcessState::running;
    pid_t pid = 0;             ///< 0 when not running
    int exit_code = 0;         ///< when exited
    int signal = 0;            ///< when crashed
    int restarts = 0;
    std::string error;         ///< why it could not start
    std::chrono::system_clock::time_point since;  ///< of the current state
    std::uint64_t start_ticks = 0;  ///< with pid, the process's identity (process_start_ticks)
    bool adopted = false;           ///< started by an earlier emud, watched through a pidfd
};

/// Told of every start and end of a process, so that they can be written down and a later
/// emud can take the processes back (Supervisor::adopt).
using ProcessObserver = std::function<void(const ProcessStatus&)>;

/// Starts programs inside nodes, reaps them, and restarts them by their policy with
/// exponential backoff (100 ms doubling to 30 s; back to 100 ms after 10 s of running).
/// Processes an earlier emud started are taken back with adopt(). Lives on the
/// io_context's thread.
class Supervisor {
public:
    explicit Supervisor(asio::io_context& io);

    void observe(ProcessObserver observer) { observer_ = std::move(observer); }

    /// Starts a process; a failure to start is recorded in its status, not thrown. With
    /// `on_ready`, the program gets a ready pipe (LaunchSpec::ready_notification) and
    /// `on_ready` runs once: when the program says it is ready, or ends, or cannot start —
    /// never when its lab is forgotten first.
    void start(ProcessSpec spec, std::function<void()> on_ready = {});
    /// Supervises again a process an earlier emud started, as that emud last wrote it down
    /// (`earlier`): one still running (the same pid and start time) is watched through a
    /// pidfd; one that ended while no emud watched gets its restart policy applied now, as
    /// an end whose status is unknown — which `on-failure` counts as a failure, since a
    /// service that ends has failed.
    void adopt(ProcessSpec spec, const ProcessStatus& earlier);
    /// Whether the lab has a process of this node and name (started, or taken back).
    bool knows(const std::string& lab, const std::string& node, const std::string& name) const;
    /// Stops supervising a lab's processes: none is restarted any more (teardown kills them).
    void forget_lab(const std::string& lab);
    /// Stops waiting for children, so that the io_context can run out of work.
    void stop();
    /// The lab's processes, in the order they were started.
    std::vector<ProcessStatus> status(const std::string& lab) const;

private:
    struct Entry {
        ProcessSpec spec;
        ProcessStatus status;
        std::chrono::steady_clock::time_point started;
        int backoff_step = 0;
        std::unique_ptr<asio::steady_timer> restart_timer;
        std::function<void()> on_ready;
        std::unique_ptr<asio::posix::stream_descriptor> ready_pipe;
        std::array<char, 64> ready_buffer{};
        std::unique_ptr<asio::posix::stream_descriptor> pidfd;  ///< an adopted process's
    };

    void launch(Entry& entry);
    void watch_ready(Entry& entry, util::UniqueFd pipe);
    void report_ready(Entry& entry);
    void on_exit(Entry& entry, int wait_status);
    /// The end of an adopted process, or of one that ended while no emud watched.
    void on_unknown_end(Entry& entry);
    void watch_adopted(Entry& entry);
    void apply_restart_policy(Entry& entry, bool failed);
    void notify(const Entry& entry) const;
    void wait_for_children();
    void reap();

    asio::io_context& io_;
    asio::signal_set child_signals_;
    std::list<Entry> entries_;  // stable addresses
    std::map<pid_t, Entry*> running_;
    ProcessObserver observer_;
};

}  // namespace emu::supervise
