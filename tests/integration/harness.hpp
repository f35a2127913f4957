#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace emu::test {

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
    bool ok() const { return exit_code == 0; }
};

/// Runs a program with extra environment, capturing its output; kills it after `timeout`;
/// in `working_directory` when one is given.
CommandResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& environment = {},
                  std::chrono::seconds timeout = std::chrono::seconds(120), const std::string& working_directory = {});

/// A command running in the background whose output can be watched while it runs.
class BackgroundCommand {
public:
    BackgroundCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& environment);
    ~BackgroundCommand();  // kills it if it still runs
    BackgroundCommand(const BackgroundCommand&) = delete;
    BackgroundCommand& operator=(const BackgroundCommand&) = delete;

    /// Waits until its standard output contains `text`; false at the deadline.
    bool wait_for_output(const std::string& text, std::chrono::milliseconds deadline);
    /// Waits for it to exit (at most `deadline`); its exit status, or -1.
    int wait(std::chrono::milliseconds deadline);
    /// Sends it `signal` and waits for it to exit (at most `deadline`); its exit status, or -1.
    int stop(int signal, std::chrono::milliseconds deadline);
    pid_t pid() const { return pid_; }
    std::string output();

private:
    pid_t pid_ = -1;
    int output_fd_ = -1;
    std::string output_;
    bool exited_ = false;
    int status_ = -1;
    void read_available(int timeout_ms);
};

/// Waits until `condition` holds, checking every few milliseconds; false at the deadline.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds deadline);

/// A private emud for one test: its own runtime and state directories, lab names no other
/// test uses, and, whatever happens to the test, every lab taken down and emud stopped at
/// the end.
class TestDaemon {
public:
    TestDaemon();
    ~TestDaemon();
    TestDaemon(const TestDaemon&) = delete;
    TestDaemon& operator=(const TestDaemon&) = delete;

    /// Runs `emu ARGS…` against this daemon (it is started on first use, as users see it), in
    /// the test's state directory: what emu writes where it runs (`emu run`'s pcapng of a
    /// failed scenario) stays with the test, out of the work tree.
    CommandResult emu(const std::vector<std::string>& args, const std::map<std::string, std::string>& extra = {});
    /// A lab name unique to this test process.
    std::string lab_name(const std::string& base);
    /// The environment that points `emu` (and programs it runs) at this test's emud.
    std::map<std::string, std::string> environment() const;
    /// The pid of this test's emud, from its lock file; 0 when it is not running.
    pid_t daemon_pid() const;
    /// SIGKILLs this test's emud and waits until it is gone.
    void kill_daemon();

    const std::filesystem::path& runtime_dir() const { return runtime_; }
    const std::filesystem::path& state_dir() const { return state_; }

private:
    std::filesystem::path runtime_;
    std::filesystem::path state_;
    std::set<std::string> labs_;
};

/// The path of a program built beside the tests (build/bin).
std::string program(const std::string& name);

/// How often `what` occurs in `text` (log lines, trace lines).
std::size_t count_of(const std::string& text, const std::string& what);

/// Whether `text` (a command's output, a log, a trace) contains `what`.
inline bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

/// Whether a node's log (`emu logs LAB NODE`) holds `what` at least `times` times.
bool logged(TestDaemon& daemon, const std::string& lab, const std::string& node, const std::string& what,
            std::size_t times = 1);

/// A shell script run in a node: `emu exec LAB NODE -- bash -c SCRIPT`.
CommandResult run_in_node(TestDaemon& daemon, const std::string& lab, const std::string& node, const std::string& script);

/// The first IPv4 address configured on a node's interface, without its prefix; empty when none.
std::string ipv4_address_of(TestDaemon& daemon, const std::string& lab, const std::string& node,
                            const std::string& interface = "eth0");

/// The pid of a lab's running process (`emu status`): node and process name ("dhcp-client"); 0 when none.
pid_t process_pid(TestDaemon& daemon, const std::string& lab, const std::string& node, const std::string& name);

/// Namespaces registered under /run/netns whose names start with `prefix`.
std::vector<std::string> namespaces_with_prefix(const std::string& prefix);

/// The inode of a registered namespace; 0 when there is none.
ino_t namespace_inode(const std::string& name);

/// Processes with a thread in a namespace of these inodes.
std::vector<pid_t> processes_in(const std::set<ino_t>& inodes);

/// The names of the network devices of the root namespace.
std::set<std::string> root_links();

/// A topology written to a temporary file, removed again when it goes.
class TopologyFile {
public:
    TopologyFile(const std::string& name, const std::string& yaml);
    ~TopologyFile();
    TopologyFile(const TopologyFile&) = delete;
    TopologyFile& operator=(const TopologyFile&) = delete;
    operator const std::string&() const { return path_; }

private:
    std::string path_;
};

inline TopologyFile write_topology(const std::string& name, const std::string& yaml) { return {name, yaml}; }

}  // namespace emu::test
