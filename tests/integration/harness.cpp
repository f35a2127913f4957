#include "tests/integration/harness.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "lib/net/netns_processes.hpp"
#include "lib/util/subprocess.hpp"

namespace emu::test {

std::string program(const std::string& name) { return std::string(EMU_BINARY_DIR) + "/" + name; }

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t count = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
    return count;
}

bool logged(TestDaemon& daemon, const std::string& lab, const std::string& node, const std::string& what,
            std::size_t times) {
    return count_of(daemon.emu({"logs", lab, node}).out, what) >= times;
}

CommandResult run_in_node(TestDaemon& daemon, const std::string& lab, const std::string& node, const std::string& script) {
    return daemon.emu({"exec", lab, node, "--", "bash", "-c", script});
}

std::string ipv4_address_of(TestDaemon& daemon, const std::string& lab, const std::string& node,
                            const std::string& interface) {
    auto shown = daemon.emu({"exec", lab, node, "--", "ip", "-4", "-o", "addr", "show", "dev", interface});
    std::smatch match;
    if (!std::regex_search(shown.out, match, std::regex(R"(inet (\d+\.\d+\.\d+\.\d+)/)"))) return {};
    return match[1];
}

pid_t process_pid(TestDaemon& daemon, const std::string& lab, const std::string& node, const std::string& name) {
    auto status = nlohmann::json::parse(daemon.emu({"status", lab, "--json"}).out, nullptr, false);
    if (!status.is_object() || !status.contains("nodes")) return 0;
    for (const auto& entry : status["nodes"]) {
        if (entry.value("name", "") != node || !entry.contains("processes")) continue;
        for (const auto& process : entry["processes"]) {
            if (process.value("name", "") == name && process.value("state", "") == "running") {
                return process.value("pid", 0);
            }
        }
    }
    return 0;
}

CommandResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& environment,
                  std::chrono::seconds timeout, const std::string& working_directory) {
    auto ended = util::run_process(argv, environment, timeout, working_directory);
    CommandResult result{ended.exit_code, std::move(ended.out), std::move(ended.err)};
    if (ended.timed_out) result.err += "\n[test harness: killed after timeout]\n";
    return result;
}

BackgroundCommand::BackgroundCommand(const std::vector<std::string>& argv,
                                     const std::map<std::string, std::string>& environment) {
    int out_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
        ::dup2(out_pipe[1], STDOUT_FILENO);
        for (const auto& [key, value] : environment) ::setenv(key.c_str(), value.c_str(), 1);
        std::vector<char*> args;
        for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    output_fd_ = out_pipe[0];
}

BackgroundCommand::~BackgroundCommand() {
    if (!exited_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (output_fd_ >= 0) ::close(output_fd_);
}

void BackgroundCommand::read_available(int timeout_ms) {
    if (output_fd_ < 0) return;
    pollfd fd{output_fd_, POLLIN, 0};
    if (::poll(&fd, 1, timeout_ms) <= 0) return;
    char chunk[4096];
    ssize_t n = ::read(output_fd_, chunk, sizeof chunk);
    if (n > 0) {
        output_.append(chunk, static_cast<std::size_t>(n));
    } else {
        ::close(output_fd_);
        output_fd_ = -1;
    }
}

bool BackgroundCommand::wait_for_output(const std::string& text, std::chrono::milliseconds deadline) {
    auto give_up = std::chrono::steady_clock::now() + deadline;
    while (output_.find(text) == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
        if (left.count() <= 0 || output_fd_ < 0) return output_.find(text) != std::string::npos;
        read_available(static_cast<int>(left.count()));
    }
    return true;
}

int BackgroundCommand::wait(std::chrono::milliseconds deadline) {
    auto give_up = std::chrono::steady_clock::now() + deadline;
    while (output_fd_ >= 0 && std::chrono::steady_clock::now() < give_up) read_available(50);
    if (!exited_ && wait_until([&] { return ::waitpid(pid_, &status_, WNOHANG) == pid_; }, deadline)) exited_ = true;
    return exited_ && WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

int BackgroundCommand::stop(int signal, std::chrono::milliseconds deadline) {
    if (!exited_ && pid_ > 0) ::kill(pid_, signal);
    return wait(deadline);
}

std::string BackgroundCommand::output() { return output_; }

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds deadline) {
    auto give_up = std::chrono::steady_clock::now() + deadline;
    auto pause = std::chrono::milliseconds(2);
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= give_up) return false;
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(100));
    }
    return true;
}

namespace {
std::atomic<int> next_daemon{0};
std::atomic<int> next_lab{0};
}  // namespace

TestDaemon::TestDaemon() {
    auto base = std::filesystem::temp_directory_path() /
                ("emu-test-" + std::to_string(::getpid()) + "-" + std::to_string(next_daemon++));
    runtime_ = base / "run";
    state_ = base / "state";
    std::filesystem::create_directories(runtime_);
    std::filesystem::create_directories(state_);
}

TestDaemon::~TestDaemon() {
    // Whatever the test did: its labs go, its emud goes, its directories go.
    emu({"down", "--all"});
    for (const auto& lab : labs_) emu({"down", lab});
    emu({"shutdown"});
    wait_until([&] { return daemon_pid() == 0; }, std::chrono::seconds(5));
    std::error_code ignored;
    std::filesystem::remove_all(runtime_.parent_path(), ignored);
}

CommandResult TestDaemon::emu(const std::vector<std::string>& args, const std::map<std::string, std::string>& extra) {
    std::vector<std::string> argv{program("emu")};
    argv.insert(argv.end(), args.begin(), args.end());
    auto variables = environment();
    for (const auto& [key, value] : extra) variables[key] = value;
    return run(argv, variables, std::chrono::seconds(120), state_.string());
}

std::map<std::string, std::string> TestDaemon::environment() const {
    return {{"EMU_RUNTIME_DIR", runtime_.string()}, {"EMU_STATE_DIR", state_.string()}};
}

std::string TestDaemon::lab_name(const std::string& base) {
    auto name = base + std::to_string(::getpid() % 100000) + "x" + std::to_string(next_lab++);
    labs_.insert(name);
    return name;
}

pid_t TestDaemon::daemon_pid() const {
    std::ifstream lock(runtime_ / "emud.lock");
    pid_t pid = 0;
    if (!(lock >> pid) || pid <= 0) return 0;
    // The lock file outlives a killed emud; a live one holds the lock and answers to kill 0.
    if (::kill(pid, 0) != 0) return 0;
    std::ifstream status("/proc/" + std::to_string(pid) + "/stat");
    std::string ignored, state;
    status >> ignored >> ignored >> state;
    return state == "Z" ? 0 : pid;
}

void TestDaemon::kill_daemon() {
    pid_t pid = daemon_pid();
    if (pid == 0) return;
    ::kill(pid, SIGKILL);
    wait_until([&] { return daemon_pid() == 0; }, std::chrono::seconds(5));
}

std::vector<std::string> namespaces_with_prefix(const std::string& prefix) {
    std::vector<std::string> found;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/run/netns", error)) {
        auto name = entry.path().filename().string();
        if (name.rfind(prefix, 0) == 0) found.push_back(name);
    }
    return found;
}

ino_t namespace_inode(const std::string& name) {
    struct stat status {};
    if (::stat(("/run/netns/" + name).c_str(), &status) != 0) return 0;
    return status.st_ino;
}

std::vector<pid_t> processes_in(const std::set<ino_t>& inodes) { return net::processes_in_netns(inodes); }

std::set<std::string> root_links() {
    std::set<std::string> names;
    if (struct if_nameindex* all = if_nameindex()) {
        for (auto* entry = all; entry->if_index != 0; ++entry) names.insert(entry->if_name);
        if_freenameindex(all);
    }
    return names;
}

TopologyFile::TopologyFile(const std::string& name, const std::string& yaml)
    : path_((std::filesystem::temp_directory_path() / ("emu-test-" + std::to_string(::getpid()) + "-" + name + ".yaml"))
                .string()) {
    std::ofstream(path_) << yaml;
}

TopologyFile::~TopologyFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
}

}  // namespace emu::test
