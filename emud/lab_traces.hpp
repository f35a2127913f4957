#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "emud/api/server.hpp"
#include "emud/trace/lab_capture.hpp"
#include "lib/net/asio.hpp"

namespace emu::daemon {

/// The captures of every lab that is up, and the control methods that read them:
/// `trace` (decoded events, optionally followed live) and `capture` (the pcapng).
class LabTraces {
public:
    explicit LabTraces(asio::io_context& io) : io_(io) {}
    ~LabTraces();

    /// Starts capturing a lab that was just made; any thread. Throws when the capture cannot start.
    void start(const std::string& lab, const build::LabPlan& plan, const topology::Lab& model,
               const std::filesystem::path& pcapng);
    /// Stops a lab's capture (its pcapng stays where it is); on the io thread.
    void stop(const std::string& lab);

    asio::awaitable<nlohmann::json> trace(const std::string& lab, const nlohmann::json& params,
                                          api::RequestContext& context);
    nlohmann::json capture(const std::string& lab) const;
    /// What a lab's capture has seen and lost, for `emu status`; null when it has none.
    nlohmann::json counts(const std::string& lab) const;

private:
    void wake_followers(const std::string& lab);
    const trace::LabCapture& find(const std::string& lab) const;

    asio::io_context& io_;
    mutable std::mutex captures_mutex_;  // start() runs on a build thread
    std::map<std::string, std::unique_ptr<trace::LabCapture>> captures_;
    std::map<std::string, std::set<asio::steady_timer*>> followers_;
};

}  // namespace emu::daemon
