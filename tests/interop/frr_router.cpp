#include "tests/interop/frr_router.hpp"

#include <signal.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace emu::test {

namespace {

std::atomic<int> next_instance{0};

// Where every FRR daemon keeps a directory of its own while it runs (not settable in 8.4).
const std::filesystem::path kCrashLogs = "/var/tmp/frr";

// FRR 8.4 refuses `-u root -g root` (root is not in the vty group); naming root with the
// package's frrvty group passes its check and the daemons stay root, which they need to
// change the node's kernel table without capabilities of their own.
std::vector<std::string> frr_command(const std::string& lab, const std::string& node,
                                     const std::filesystem::path& directory, const std::string& name) {
    auto in = [&](const std::string& file) { return (directory / file).string(); };
    return {program("emu"),
            "exec",
            lab,
            node,
            "--",
            "/usr/lib/frr/" + name,
            "-u",
            "root",
            "-g",
            "frrvty",
            "-f",
            in(name + ".conf"),
            "-i",
            in(name + ".pid"),
            "-z",
            in("zserv.api"),
            "--vty_socket",
            directory.string(),
            "-P",
            "0",
            "--log",
            "file:" + in(name + ".log")};
}

void write(const std::filesystem::path& file, const std::string& text) {
    std::ofstream out(file);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::string read(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

FrrRouter::FrrRouter(TestDaemon& daemon, const std::string& lab, const std::string& node,
                     const std::string& routing_daemon, const std::string& config)
    : directory_(daemon.state_dir() / ("frr-" + node + "-" + std::to_string(next_instance++))),
      routing_daemon_(routing_daemon) {
    std::filesystem::create_directories(directory_);
    write(directory_ / "zebra.conf", "hostname frr-" + node + "\n");
    write(directory_ / (routing_daemon + ".conf"), config);
    zebra_ = std::make_unique<BackgroundCommand>(frr_command(lab, node, directory_, "zebra"),
                                                 daemon.environment());
    // A client that finds no zebra socket retries only after 10 s (FRR's zclient), so wait.
    if (!wait_until([&] { return std::filesystem::exists(directory_ / "zserv.api"); }, std::chrono::seconds(10))) {
        throw std::runtime_error("FRR's zebra did not start in " + node + ":\n" + logs());
    }
    routing_ = std::make_unique<BackgroundCommand>(frr_command(lab, node, directory_, routing_daemon),
                                                   daemon.environment());
    if (!wait_until([&] { return std::filesystem::exists(directory_ / (routing_daemon + ".vty")); },
                    std::chrono::seconds(10))) {
        throw std::runtime_error("FRR's " + routing_daemon + " did not start in " + node + ":\n" + logs());
    }
}

FrrRouter::~FrrRouter() { stop(); }

void FrrRouter::stop() {
    // The routing daemon first, so that zebra is there to take its routes back.
    for (auto [command, name] : {std::pair{&routing_, routing_daemon_}, std::pair{&zebra_, std::string("zebra")}}) {
        if (!*command) continue;
        if ((*command)->stop(SIGTERM, std::chrono::seconds(5)) < 0) (*command)->stop(SIGKILL, std::chrono::seconds(5));
        // FRR removes its crash-log directory when it exits cleanly; not when it was killed.
        std::error_code ignored;
        std::filesystem::remove_all(kCrashLogs / (name + "." + std::to_string((*command)->pid())), ignored);
        command->reset();
    }
    std::error_code not_empty;
    std::filesystem::remove(kCrashLogs, not_empty);
}

CommandResult FrrRouter::vtysh(const std::vector<std::string>& commands) const {
    std::vector<std::string> argv{"vtysh", "--vty_socket", directory_.string()};
    for (const auto& command : commands) {
        argv.push_back("-c");
        argv.push_back(command);
    }
    return run(argv);
}

std::string FrrRouter::logs() const {
    return "zebra:\n" + read(directory_ / "zebra.log") + routing_daemon_ + ":\n" +
           read(directory_ / (routing_daemon_ + ".log"));
}

}  // namespace emu::test
