#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emud/api/server.hpp"
#include "emud/build/builder.hpp"
#include "emud/build/plan.hpp"
#include "emud/lab_traces.hpp"
#include "emud/supervise/supervisor.hpp"
#include "emud/topology/model.hpp"

namespace emu::daemon {

/// Where emud keeps what: runtime files (socket, logs) and state that survives a reboot
/// (journals), plus where the lab's kernel-facing files go.
struct DaemonPaths {
    std::filesystem::path runtime_directory;
    std::filesystem::path state_directory;
    build::PlanPaths plan;

    std::filesystem::path lab_state(const std::string& lab) const { return state_directory / "labs" / lab; }
    std::filesystem::path journal(const std::string& lab) const { return lab_state(lab) / "journal"; }
    std::filesystem::path lab_runtime(const std::string& lab) const { return runtime_directory / "labs" / lab; }
    std::filesystem::path log_file(const std::string& lab, const std::string& node) const {
        return lab_runtime(lab) / "logs" / (node + ".log");
    }
    /// Every frame of the lab; on disk (not /run, which is memory), gone with the lab.
    std::filesystem::path pcapng(const std::string& lab) const { return lab_state(lab) / "trace.pcapng"; }
};

/// Every lab this emud serves, and the control methods that act on them.
class LabManager : public api::Handler {
public:
    LabManager(asio::io_context& io, supervise::Supervisor& supervisor, DaemonPaths paths,
               std::optional<build::FaultPoint> fault);
    ~LabManager() override;

    /// Finds the labs of an earlier emud from their journals and takes them back: their
    /// processes are supervised again (Supervisor::adopt). A lab whose `up` was interrupted
    /// after its kernel objects were made is `interrupted` (`emu up` again starts the rest
    /// of its processes); one interrupted earlier, or whose namespaces are gone, is `stale`
    /// (`emu up` again removes its leftovers and builds it anew; `emu down` removes them).
    void recover();

    asio::awaitable<nlohmann::json> handle(const std::string& method, const nlohmann::json& params,
                                           api::RequestContext& context) override;

    /// Called (on the io thread) when a client asks emud to exit, after its reply is queued.
    void on_shutdown(std::function<void()> callback) { on_shutdown_ = std::move(callback); }

private:
    enum class LabState { building, up, stopping, stale, interrupted };

    struct LabRecord {
        std::string name;
        LabState state = LabState::building;
        std::optional<topology::Lab> model;
        std::string source_file;
        std::string topology_text;
        std::chrono::system_clock::time_point created;
        std::string note;  ///< why a lab is stale
        std::uint64_t serial = 0;  ///< tells this lab from a later one of the same name
        /// The lab's journal, open for the supervisor's process records (once it is built).
        std::shared_ptr<build::Journal> journal;
        /// Set by `emu down` to stop the build of a lab in `building`.
        std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
        /// Cancelled (which wakes its waiters) when a `building` or `stopping` ends.
        std::shared_ptr<asio::steady_timer> settled;
    };

    /// A process `up` starts in a lab: a service (round one when it serves, round two when
    /// it is a client like a host's DHCP client) or an `exec:` command (round two).
    struct PlannedProcess {
        supervise::ProcessSpec spec;
        const topology::Node* node = nullptr;
        const topology::Service* service = nullptr;  ///< null for an `exec:` command
        bool serves = false;                          ///< round one
    };

    asio::awaitable<nlohmann::json> up(const nlohmann::json& params, api::RequestContext& context);
    /// Starts what an interrupted `up` of the lab did not: the rest of its processes.
    asio::awaitable<nlohmann::json> finish_up(const std::string& lab);
    asio::awaitable<nlohmann::json> down(const nlohmann::json& params);
    asio::awaitable<nlohmann::json> take_down(const std::string& lab);
    asio::awaitable<nlohmann::json> set_link(const nlohmann::json& params);
    asio::awaitable<nlohmann::json> logs(const nlohmann::json& params, api::RequestContext& context);
    nlohmann::json status(const nlohmann::json& params) const;
    nlohmann::json list() const;
    nlohmann::json node(const nlohmann::json& params) const;
    nlohmann::json topology(const nlohmann::json& params) const;

    const LabRecord& find_lab(const nlohmann::json& params) const;
    nlohmann::json lab_json(const LabRecord& record) const;
    /// Every process the lab runs, in the order `up` starts them.
    std::vector<PlannedProcess> plan_processes(const LabRecord& record) const;
    /// Writes a service's configuration (from its checks) for its program; false on failure.
    bool write_service_config(const LabRecord& record, const topology::Node& node, const topology::Service& service);
    /// Starts the lab's programs in two rounds: the services that serve, and once each is
    /// listening (or kReadyWait has passed), the clients that need them — the hosts' DHCP
    /// clients and the `exec:` commands — as a real network has its servers up before the
    /// hosts boot. Processes the supervisor already has (taken back from an earlier emud)
    /// are left as they are. Records in the journal when every one has started.
    asio::awaitable<void> start_processes(std::string lab_name);
    /// Takes back the processes an earlier emud wrote down in the lab's journal.
    void adopt_processes(const LabRecord& record, const build::JournalContents& journal);
    /// Waits until a `building` or `stopping` of the lab has ended.
    asio::awaitable<void> settle(const std::string& lab);

    asio::io_context& io_;
    supervise::Supervisor& supervisor_;
    DaemonPaths paths_;
    std::optional<build::FaultPoint> fault_;
    std::map<std::string, LabRecord> labs_;
    std::uint64_t next_serial_ = 1;
    std::function<void()> on_shutdown_;
    LabTraces traces_;
};

}  // namespace emu::daemon
