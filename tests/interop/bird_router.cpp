#include "tests/interop/bird_router.hpp"

#include <signal.h>

#include <atomic>
#include <sstream>
#include <stdexcept>

#include "lib/util/files.hpp"

namespace emu::test {

namespace {

std::atomic<int> next_instance{0};

}  // namespace

BirdRouter::BirdRouter(TestDaemon& daemon, const std::string& lab, const std::string& node, const std::string& config)
    : directory_(daemon.state_dir() / ("bird-" + node + "-" + std::to_string(next_instance++))) {
    std::filesystem::create_directories(directory_);
    util::write_new_file(directory_ / "bird.conf", "log \"" + (directory_ / "bird.log").string() + "\" all;\n" + config);
    // -f: in the foreground, a child of `emu exec`, so that stopping it is stopping bird.
    bird_ = std::make_unique<BackgroundCommand>(
        std::vector<std::string>{program("emu"), "exec", lab, node, "--", "bird", "-f", "-c",
                                 (directory_ / "bird.conf").string(), "-s", (directory_ / "bird.ctl").string(), "-P",
                                 (directory_ / "bird.pid").string()},
        daemon.environment());
    if (!wait_until([&] { return std::filesystem::exists(directory_ / "bird.ctl"); }, std::chrono::seconds(10))) {
        throw std::runtime_error("BIRD did not start in " + node + ":\n" + bird_->output() + log());
    }
}

BirdRouter::~BirdRouter() { stop(); }

void BirdRouter::stop() {
    if (!bird_) return;
    if (bird_->stop(SIGTERM, std::chrono::seconds(5)) < 0) bird_->stop(SIGKILL, std::chrono::seconds(5));
    bird_.reset();
}

CommandResult BirdRouter::birdc(const std::string& command) const {
    return run({"birdc", "-s", (directory_ / "bird.ctl").string(), command});
}

std::string BirdRouter::log() const { return "bird:\n" + util::read_file(directory_ / "bird.log").value_or(""); }

}  // namespace emu::test
