#include "emud/lab_manager.hpp"

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <thread>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "emud/build/journal.hpp"
#include "emud/build/teardown.hpp"
#include "emud/topology/checks.hpp"
#include "emud/topology/loader.hpp"
#include "emud/topology/services.hpp"
#include "lib/net/link_requests.hpp"
#include "lib/net/netlink.hpp"
#include "lib/net/netns.hpp"
#include "lib/net/route_requests.hpp"
#include "lib/util/files.hpp"
#include "lib/util/paths.hpp"
#include "lib/util/system_error.hpp"

namespace emu::daemon {
namespace {

using json = nlohmann::json;
using api::ApiError;

// How long `up` waits for the lab's services to say they are listening before it starts
// their clients anyway; a program that fails or exits says so at once by ending.
constexpr auto kReadyWait = std::chrono::seconds(5);

// Runs blocking work (netlink, killing processes) on a thread of its own and resumes the
// coroutine on the io_context when it is done, so that emud keeps answering meanwhile.
template <typename Work>
asio::awaitable<void> run_in_thread(asio::io_context& io, Work work) {
    co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr)>(
        [&io, work = std::move(work)](auto handler) mutable {
            std::thread([&io, work = std::move(work), handler = std::move(handler)]() mutable {
                std::exception_ptr failure;
                try {
                    work();
                } catch (...) {
                    failure = std::current_exception();
                }
                asio::post(io, [handler = std::move(handler), failure]() mutable { handler(failure); });
            }).detach();
        },
        asio::use_awaitable);
}

std::string iso_time(std::chrono::system_clock::time_point when) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}", fmt::localtime(std::chrono::system_clock::to_time_t(when)));
}

std::string required_string(const json& params, const char* key) {
    auto it = params.find(key);
    if (it == params.end() || !it->is_string() || it->get<std::string>().empty()) {
        throw ApiError("bad-request", fmt::format("missing \"{}\"", key));
    }
    return it->get<std::string>();
}

// What a file holds from `offset` on; nullopt when it is gone.
std::optional<std::string> read_from(const std::filesystem::path& file, std::size_t offset) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    in.seekg(static_cast<std::streamoff>(offset));
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// True when a batch of inotify events says the watched file was removed or moved away.
bool watched_file_gone(const char* events, std::size_t length) {
    for (std::size_t at = 0; at + sizeof(inotify_event) <= length;) {
        inotify_event event{};
        std::memcpy(&event, events + at, sizeof event);
        if ((event.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) != 0) return true;
        at += sizeof(inotify_event) + event.len;
    }
    return false;
}

// A lab name from a client becomes part of paths: only names a topology could have pass.
std::string required_lab_name(const json& params) {
    auto name = required_string(params, "lab");
    if (!topology::is_valid_lab_name(name)) throw ApiError("bad-request", fmt::format("'{}' is not a lab name", name));
    return name;
}

void remove_tree(const std::filesystem::path& path) {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
}

json interface_json(const topology::Interface& interface) {
    json addresses = json::array();
    for (const auto& address : interface.addresses) addresses.push_back(address.prefix.to_string());
    json result{{"name", interface.name}, {"kernel_name", interface.kernel_name}, {"addresses", addresses},
                {"dhcp", interface.dhcp}};
    if (interface.mtu) result["mtu"] = *interface.mtu;
    if (interface.mac) result["mac"] = interface.mac->to_string();
    return result;
}

build::JournalProcess journal_process(const supervise::ProcessStatus& status) {
    build::JournalProcess process;
    process.state = std::string(supervise::to_string(status.state));
    process.pid = status.pid;
    process.start_ticks = status.start_ticks;
    process.restarts = status.restarts;
    process.exit_code = status.exit_code;
    process.signal = status.signal;
    process.error = status.error;
    return process;
}

// What an earlier emud last wrote of a process, as the supervisor takes it back; a state it
// does not know counts as an end nobody saw.
supervise::ProcessStatus earlier_status(const build::JournalProcess& process) {
    supervise::ProcessStatus status;
    status.state = supervise::process_state_named(process.state).value_or(supervise::ProcessState::ended);
    status.pid = process.pid;
    status.start_ticks = process.start_ticks;
    status.restarts = process.restarts;
    status.exit_code = process.exit_code;
    status.signal = process.signal;
    status.error = process.error;
    status.since = std::chrono::system_clock::now();
    return status;
}

json process_json(const supervise::ProcessStatus& process) {
    json result{{"name", process.name},
                {"command", process.command},
                {"state", supervise::to_string(process.state)},
                {"restarts", process.restarts},
                {"since", iso_time(process.since)}};
    if (process.pid != 0) result["pid"] = process.pid;
    if (process.state == supervise::ProcessState::exited) result["exit_code"] = process.exit_code;
    if (process.state == supervise::ProcessState::crashed) result["signal"] = process.signal;
    if (!process.error.empty()) result["error"] = process.error;
    if (process.adopted) result["adopted"] = true;  // watched through a pidfd: its exit status will be unknown
    return result;
}

}  // namespace

LabManager::LabManager(asio::io_context& io, supervise::Supervisor& supervisor, DaemonPaths paths,
                       std::optional<build::FaultPoint> fault)
    : io_(io), supervisor_(supervisor), paths_(std::move(paths)), fault_(std::move(fault)), traces_(io) {
    // Every start and end goes into the lab's journal, so that a later emud can take the
    // processes back.
    supervisor_.observe([this](const supervise::ProcessStatus& status) {
        auto it = labs_.find(status.lab);
        if (it == labs_.end() || !it->second.journal) return;
        try {
            it->second.journal->process(status.node, status.name, journal_process(status));
        } catch (const std::exception& error) {
            spdlog::warn("journal.process_failed lab={}: {}", status.lab, error.what());
        }
    });
}

LabManager::~LabManager() { supervisor_.observe(nullptr); }

void LabManager::recover() {
    std::error_code error;
    auto directory = paths_.state_directory / "labs";
    for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
        auto journal = build::Journal::read(entry.path() / "journal");
        if (!journal || !topology::is_valid_lab_name(journal->lab) ||
            journal->lab != entry.path().filename().string()) {
            continue;
        }
        LabRecord record;
        record.name = journal->lab;
        record.serial = next_serial_++;
        record.source_file = journal->source_file;
        record.topology_text = journal->topology_text;
        record.created = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(journal->created));
        auto model = topology::load_topology(journal->topology_text, {journal->source_file, journal->lab});
        if (model) record.model = std::move(*model);
        bool intact = journal->ready && journal->boot_id == build::current_boot_id();
        for (const auto& path : journal->namespaces) intact = intact && net::netns_inode(path).has_value();
        if (!intact || !record.model) {
            record.state = LabState::stale;
            record.note = !journal->ready ? "its `emu up` was interrupted while it built the lab"
                          : !record.model ? "its topology no longer loads"
                                          : "its namespaces are gone (a reboot?)";
        } else {
            record.state = journal->started ? LabState::up : LabState::interrupted;
            if (record.state == LabState::interrupted) {
                record.note = "its `emu up` was interrupted before every process had started";
            }
            try {
                record.journal = std::make_shared<build::Journal>(build::Journal::reopen(paths_.journal(record.name)));
            } catch (const std::exception& failure) {
                spdlog::warn("journal.reopen_failed lab={}: {}", record.name, failure.what());
            }
        }
        auto name = record.name;
        auto& kept = labs_[name] = std::move(record);
        if (kept.state == LabState::stale) {
            spdlog::info("lab.recovered lab={} state=stale", name);
            continue;
        }
        adopt_processes(kept, *journal);
        // The earlier emud's capture ended with it; this one starts a new trace.
        try {
            traces_.start(name, build::plan_lab(*kept.model, paths_.plan), *kept.model, paths_.pcapng(name));
        } catch (const std::exception& failure) {
            spdlog::warn("capture.start_failed lab={}: {}", name, failure.what());
        }
        spdlog::info("lab.recovered lab={} state={} processes={}", name,
                     kept.state == LabState::up ? "up" : "interrupted", supervisor_.status(name).size());
    }
}

void LabManager::adopt_processes(const LabRecord& record, const build::JournalContents& journal) {
    for (auto& planned : plan_processes(record)) {
        auto found = journal.processes.find({planned.spec.launch.node, planned.spec.name});
        if (found == journal.processes.end()) continue;  // never started: `emu up` again starts it
        supervisor_.adopt(std::move(planned.spec), earlier_status(found->second));
    }
}

asio::awaitable<void> LabManager::settle(const std::string& lab) {
    auto it = labs_.find(lab);
    if (it == labs_.end() || !it->second.settled) co_return;
    if (it->second.state != LabState::building && it->second.state != LabState::stopping) co_return;
    auto settled = it->second.settled;  // the record may go while we wait
    boost::system::error_code ignored;
    co_await settled->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

asio::awaitable<json> LabManager::handle(const std::string& method, const json& params,
                                         api::RequestContext& context) {
    if (method == "ping") co_return json{{"pid", ::getpid()}};
    if (method == "up") co_return co_await up(params, context);
    if (method == "down") co_return co_await down(params);
    if (method == "status") co_return status(params);
    if (method == "list") co_return list();
    if (method == "node") co_return node(params);
    if (method == "logs") co_return co_await logs(params, context);
    if (method == "link") co_return co_await set_link(params);
    if (method == "trace") co_return co_await traces_.trace(find_lab(params).name, params, context);
    if (method == "capture") co_return traces_.capture(find_lab(params).name);
    if (method == "topology") co_return topology(params);
    if (method == "shutdown") {
        if (on_shutdown_) asio::post(io_, on_shutdown_);
        co_return json::object();
    }
    throw ApiError("bad-request", "unknown method '" + method + "'");
}

asio::awaitable<json> LabManager::up(const json& params, api::RequestContext& context) {
    auto text = required_string(params, "text");
    auto source = params.value("file", std::string("<topology>"));
    std::optional<std::string> name_override;
    if (params.contains("name") && params["name"].is_string()) name_override = params["name"].get<std::string>();

    auto loaded = topology::load_topology(text, {source, name_override});
    if (!loaded) {
        throw ApiError("invalid-topology", fmt::format("{} has {}", source, topology::count_text(loaded.error())),
                       topology::format_each(loaded.error(), source));
    }
    for (const auto& warning : loaded->warnings.sorted()) {
        spdlog::warn("topology.warning lab={} line={}: {}", loaded->name, warning.where.line, warning.message);
    }
    auto lab_name = loaded->name;
    json removed_leftovers;
    if (auto existing = labs_.find(lab_name); existing != labs_.end()) {
        auto& earlier = existing->second;
        if (earlier.state == LabState::interrupted) {
            if (earlier.topology_text != text) {
                throw ApiError("lab-exists", fmt::format("lab {} was interrupted while it came up from another "
                                                         "topology; run `emu down {}` first, or give this one "
                                                         "another name with --name",
                                                         lab_name, lab_name));
            }
            co_return co_await finish_up(lab_name);
        }
        if (earlier.state == LabState::stale) {
            // What a crash or a reboot left of it goes first, as `emu down` would remove it.
            removed_leftovers = co_await take_down(lab_name);
        } else {
            throw ApiError("lab-exists", fmt::format("lab {} is {} (since {}); run `emu down {}` first, or give this "
                                                     "one another name with --name",
                                                     lab_name, earlier.state == LabState::up ? "already up" : "busy",
                                                     iso_time(earlier.created), lab_name));
        }
    }
    if (labs_.count(lab_name) != 0) {  // another `up` of the name came first while we waited
        throw ApiError("lab-exists", fmt::format("lab {} is being built by another `emu up`", lab_name));
    }
    if (std::filesystem::exists(paths_.journal(lab_name))) {
        throw ApiError("lab-exists", fmt::format("lab {} has leftovers from an earlier emud; run `emu down {}` first",
                                                 lab_name, lab_name));
    }

    LabRecord& record = labs_[lab_name];
    record.name = lab_name;
    record.serial = next_serial_++;
    record.state = LabState::building;
    record.source_file = source;
    record.topology_text = text;
    record.created = std::chrono::system_clock::now();
    record.model = std::move(*loaded);
    record.settled = std::make_shared<asio::steady_timer>(io_, asio::steady_timer::time_point::max());
    auto settled = record.settled;
    auto cancel = record.cancel;
    auto plan = build::plan_lab(*record.model, paths_.plan);
    auto journal_path = paths_.journal(lab_name);
    auto started = std::chrono::steady_clock::now();
    try {
        std::filesystem::create_directories(paths_.lab_runtime(lab_name) / "logs");
        for (const auto& node : record.model->nodes) {
            if (!node.is_switch()) util::write_file_atomic(paths_.log_file(lab_name, node.name), "");
        }
        auto progress = [this, &context](const build::BuildProgress& step) {
            asio::post(io_, [&context, step] {
                context.event("progress", {{"phase", step.phase}, {"done", step.done}, {"total", step.total}});
            });
        };
        co_await run_in_thread(io_, [&] {
            auto journal = build::Journal::create(journal_path, lab_name, source, text);
            try {
                build::build_lab(plan, journal, progress, fault_, cancel.get());
                traces_.start(lab_name, plan, *record.model, paths_.pcapng(lab_name));
            } catch (...) {
                // `up` is a transaction: what was made goes, by the same journal `down` uses.
                if (auto contents = build::Journal::read(journal_path)) build::tear_down(*contents, paths_.plan);
                remove_tree(paths_.lab_state(lab_name));
                throw;
            }
        });
        record.journal = std::make_shared<build::Journal>(build::Journal::reopen(journal_path));
    } catch (const std::exception& error) {
        labs_.erase(lab_name);
        remove_tree(paths_.lab_runtime(lab_name));
        settled->cancel();
        spdlog::warn("lab.up_failed lab={}: {}", lab_name, error.what());
        throw ApiError("up-failed", fmt::format("{}; everything made for lab {} was removed", error.what(), lab_name));
    }
    record.state = LabState::up;
    settled->cancel();
    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("lab.up lab={} nodes={} links={} seconds={:.3f}", lab_name, record.model->nodes.size(),
                 record.model->links.size(), elapsed);
    co_await start_processes(lab_name);
    auto after = labs_.find(lab_name);
    if (after == labs_.end()) throw ApiError("up-failed", fmt::format("lab {} was taken down while it started", lab_name));
    auto result = lab_json(after->second);
    result["seconds"] = elapsed;
    if (!removed_leftovers.is_null()) result["removed_leftovers"] = removed_leftovers;
    co_return result;
}

asio::awaitable<json> LabManager::finish_up(const std::string& lab_name) {
    auto& record = labs_.at(lab_name);
    record.state = LabState::up;
    record.note.clear();
    auto before = supervisor_.status(lab_name).size();
    co_await start_processes(lab_name);
    auto after = labs_.find(lab_name);
    if (after == labs_.end()) throw ApiError("up-failed", fmt::format("lab {} was taken down while it started", lab_name));
    auto result = lab_json(after->second);
    result["seconds"] = 0.0;
    result["finished"] = true;
    result["processes_started"] = supervisor_.status(lab_name).size() - before;
    spdlog::info("lab.finished lab={} processes_started={}", lab_name, result["processes_started"].get<std::size_t>());
    co_return result;
}

std::vector<LabManager::PlannedProcess> LabManager::plan_processes(const LabRecord& record) const {
    std::vector<PlannedProcess> round_one, round_two;
    auto in_node = [&](const topology::Node& node) {
        supervise::ProcessSpec spec;
        spec.launch.lab = record.name;
        spec.launch.node = node.name;
        spec.launch.netns_path = paths_.plan.netns_directory / build::node_netns_name(record.name, node.name);
        spec.launch.etc_directory = paths_.plan.etc_directory / build::node_netns_name(record.name, node.name);
        spec.launch.log_file = paths_.log_file(record.name, node.name);
        return spec;
    };
    for (const auto& node : record.model->nodes) {
        if (node.is_switch()) continue;
        for (const auto& service : node.services) {
            const auto* kind = topology::find_service(service.name);
            // Unknown services are refused by the validator; one that runs in another's
            // program (runs_in) has no process of its own.
            if (kind == nullptr || !service.runs_in.empty()) continue;
            // Its configuration and its data (leases, mail, files) live with the lab's state:
            // on disk, kept across emud restarts, gone with the lab.
            auto directory = paths_.lab_state(record.name) / "nodes" / node.name;
            auto spec = in_node(node);
            spec.launch.argv = {(util::program_dir() / kind->program).string()};
            spec.launch.argv.insert(spec.launch.argv.end(), kind->arguments.begin(), kind->arguments.end());
            spec.launch.argv.insert(spec.launch.argv.end(), {"--config", (directory / (service.name + ".json")).string(),
                                                             "--data", (directory / service.name).string()});
            spec.name = service.name;
            spec.command = fmt::format("{}", fmt::join(spec.launch.argv, " "));
            spec.restart = topology::RestartPolicy::on_failure;
            bool serves = kind->implied_by == nullptr;
            (serves ? round_one : round_two).push_back({std::move(spec), &node, &service, serves});
        }
    }
    for (const auto& node : record.model->nodes) {
        if (node.is_switch()) continue;
        for (std::size_t i = 0; i < node.exec.size(); ++i) {
            auto spec = in_node(node);
            spec.launch.argv = {"/bin/sh", "-c", node.exec[i].command};
            spec.name = fmt::format("exec[{}]", i);
            spec.command = node.exec[i].command;
            spec.restart = node.exec[i].restart;
            round_two.push_back({std::move(spec), &node, nullptr, false});
        }
    }
    round_one.insert(round_one.end(), std::make_move_iterator(round_two.begin()),
                     std::make_move_iterator(round_two.end()));
    return round_one;
}

bool LabManager::write_service_config(const LabRecord& record, const topology::Node& node,
                                      const topology::Service& service) {
    auto directory = paths_.lab_state(record.name) / "nodes" / node.name;
    try {
        std::filesystem::create_directories(directory / service.name);
        util::write_file_atomic(directory / (service.name + ".json"),
                                service.program_config.dump(2, ' ', false, json::error_handler_t::replace) + "\n", true);
        return true;
    } catch (const std::exception& error) {
        spdlog::error("service.config_failed lab={} node={} service={}: {}", record.name, node.name, service.name,
                      error.what());
        return false;
    }
}

asio::awaitable<void> LabManager::start_processes(std::string lab_name) {
    const auto* record = &labs_.at(lab_name);
    auto serial = record->serial;
    auto planned = plan_processes(*record);
    std::size_t launched = 0;
    // Starts one, unless the supervisor has it already; `on_ready` runs in any case.
    auto start = [&](PlannedProcess& process, std::function<void()> on_ready) {
        const auto& spec = process.spec;
        bool known = supervisor_.knows(spec.launch.lab, spec.launch.node, spec.name);
        if (known || (process.service != nullptr && !write_service_config(*record, *process.node, *process.service))) {
            if (on_ready) on_ready();
            return;
        }
        supervisor_.start(std::move(process.spec), std::move(on_ready));
        // EMU_FAULT=process:N:kill: emud dies right after it started the N-th process.
        if (fault_ && fault_->action == build::FaultPoint::Action::kill) fault_->check("process", launched);
        ++launched;
    };
    // Round one: the services that serve. Each says when it is listening (its ready pipe).
    auto waiting = std::make_shared<std::size_t>(0);
    auto all_ready = std::make_shared<asio::steady_timer>(io_, kReadyWait);
    for (auto& process : planned) {
        if (!process.serves) continue;
        ++*waiting;
        start(process, [waiting, all_ready] {
            if (--*waiting == 0) all_ready->cancel();
        });
    }
    if (*waiting > 0) {
        boost::system::error_code ignored;
        co_await all_ready->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        if (*waiting > 0) spdlog::warn("lab.services_not_ready lab={} count={}: starting the clients anyway", lab_name, *waiting);
    }
    // The lab may have been taken down, or replaced, while its services started.
    auto it = labs_.find(lab_name);
    if (it == labs_.end() || it->second.serial != serial || it->second.state != LabState::up) co_return;
    record = &it->second;

    // Round two: what uses them.
    for (auto& process : planned) {
        if (!process.serves) start(process, {});
    }
    if (record->journal) {
        try {
            record->journal->started();
        } catch (const std::exception& error) {
            spdlog::warn("journal.started_failed lab={}: {}", lab_name, error.what());
        }
    }
}

asio::awaitable<json> LabManager::down(const json& params) {
    bool all = params.value("all", false);
    std::vector<std::string> targets;
    if (all) {
        for (const auto& [name, record] : labs_) targets.push_back(name);
        // Journals of labs this emud does not know (its records were lost): taken down too.
        std::error_code error;
        for (const auto& entry : std::filesystem::directory_iterator(paths_.state_directory / "labs", error)) {
            auto name = entry.path().filename().string();
            if (topology::is_valid_lab_name(name) && labs_.count(name) == 0 &&
                std::filesystem::exists(entry.path() / "journal")) {
                targets.push_back(name);
            }
        }
    } else {
        targets.push_back(required_lab_name(params));
    }
    // Each lab is tried whatever became of the one before; what failed is reported with it.
    json results = json::array();
    for (const auto& lab : targets) {
        try {
            results.push_back(co_await take_down(lab));
        } catch (const ApiError& error) {
            results.push_back({{"lab", lab}, {"removed", false}, {"error", error.what()}});
        }
    }
    json reply{{"labs", results}};
    if (all) {
        // What is still there: labs a failure left, and any an `up` began meanwhile.
        json remaining = json::array();
        for (const auto& [name, record] : labs_) remaining.push_back(name);
        reply["remaining"] = remaining;
    }
    co_return reply;
}

asio::awaitable<json> LabManager::take_down(const std::string& lab) {
    auto it = labs_.find(lab);
    if (it != labs_.end() && it->second.state == LabState::building) {
        // Its `up` stops at the next object and removes what it made.
        auto serial = it->second.serial;
        it->second.cancel->store(true);
        co_await settle(lab);
        it = labs_.find(lab);
        if (it == labs_.end() || it->second.serial != serial) {
            co_return json{{"lab", lab}, {"removed", true}, {"cancelled", true},
                           {"message", fmt::format("lab {} was being built: its `emu up` was cancelled and rolled back", lab)}};
        }
        // The build had finished before it saw the cancel: the lab is up, and goes as any.
    }
    if (it != labs_.end() && it->second.state == LabState::stopping) {
        co_await settle(lab);
        if (labs_.count(lab) == 0) {
            co_return json{{"lab", lab}, {"removed", true}, {"message", fmt::format("lab {} was taken down by another `emu down`", lab)}};
        }
        it = labs_.find(lab);
    }
    auto journal_path = paths_.journal(lab);
    if (it == labs_.end() && !std::filesystem::exists(journal_path)) {
        remove_tree(paths_.lab_runtime(lab));
        co_return json{{"lab", lab}, {"removed", false}, {"absent", true}, {"message", fmt::format("lab {} is not up", lab)}};
    }
    std::shared_ptr<asio::steady_timer> settled;
    if (it != labs_.end()) {
        it->second.state = LabState::stopping;
        if (!it->second.settled) {
            it->second.settled = std::make_shared<asio::steady_timer>(io_, asio::steady_timer::time_point::max());
        }
        settled = it->second.settled;
        it->second.journal.reset();  // nothing of its processes is recorded any more
    }
    supervisor_.forget_lab(lab);
    traces_.stop(lab);
    build::TeardownReport report;
    auto started = std::chrono::steady_clock::now();
    try {
        co_await run_in_thread(io_, [&] {
            if (auto contents = build::Journal::read(journal_path)) report = build::tear_down(*contents, paths_.plan);
            remove_tree(paths_.lab_runtime(lab));
            // The journal goes last: until here, a crash leaves enough to finish the job.
            remove_tree(paths_.lab_state(lab));
        });
    } catch (const std::exception& error) {
        if (auto again = labs_.find(lab); again != labs_.end()) {
            again->second.state = LabState::stale;
            again->second.note = error.what();
        }
        if (settled) settled->cancel();
        throw ApiError("down-failed", fmt::format("taking lab {} down failed: {}", lab, error.what()));
    }
    labs_.erase(lab);
    if (settled) settled->cancel();
    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("lab.down lab={} processes={} namespaces={} seconds={:.3f}", lab, report.processes_killed,
                 report.namespaces_removed, elapsed);
    co_return json{{"lab", lab},
                   {"removed", true},
                   {"processes_killed", report.processes_killed},
                   {"namespaces_removed", report.namespaces_removed},
                   {"directories_removed", report.directories_removed},
                   {"seconds", elapsed}};
}

const LabManager::LabRecord& LabManager::find_lab(const json& params) const {
    auto name = required_lab_name(params);
    auto it = labs_.find(name);
    if (it == labs_.end()) {
        std::string known;
        for (const auto& [lab, record] : labs_) known += (known.empty() ? "" : ", ") + lab;
        throw ApiError("no-such-lab", fmt::format("lab {} is not up{}", name,
                                                  known.empty() ? "" : " (labs that are: " + known + ")"));
    }
    return it->second;
}

json LabManager::lab_json(const LabRecord& record) const {
    static constexpr const char* kStates[] = {"building", "up", "stopping", "stale", "interrupted"};
    json result{{"name", record.name},
                {"state", kStates[static_cast<int>(record.state)]},
                {"source", record.source_file},
                {"created", iso_time(record.created)}};
    if (!record.note.empty()) result["note"] = record.note;
    if (!record.model) return result;
    auto processes = supervisor_.status(record.name);
    json nodes = json::array();
    for (const auto& node : record.model->nodes) {
        json entry{{"name", node.name}, {"kind", topology::to_string(node.kind)}};
        if (node.is_switch()) {
            json subnets = json::array();
            for (const auto& subnet : node.subnets) subnets.push_back(subnet.prefix.to_string());
            entry["subnets"] = subnets;
            entry["netns"] = build::fabric_netns_name(record.name);
        } else {
            entry["netns"] = build::node_netns_name(record.name, node.name);
            json interfaces = json::array();
            for (const auto& interface : node.interfaces) interfaces.push_back(interface_json(interface));
            entry["interfaces"] = interfaces;
            json routes = json::array();
            for (const auto& route : node.routes) {
                routes.push_back({{"to", route.destination.to_string()}, {"via", route.via.to_string()}});
            }
            entry["routes"] = routes;
            json node_processes = json::array();
            for (const auto& process : processes) {
                if (process.node == node.name) node_processes.push_back(process_json(process));
            }
            entry["processes"] = node_processes;
        }
        nodes.push_back(std::move(entry));
    }
    json links = json::array();
    for (const auto& link : record.model->links) {
        links.push_back({{"name", link.name}, {"a", link.a.to_string()}, {"b", link.b.to_string()}});
    }
    result["nodes"] = nodes;
    result["links"] = links;
    if (auto capture = traces_.counts(record.name); !capture.is_null()) result["capture"] = capture;
    return result;
}

json LabManager::status(const json& params) const {
    if (!params.contains("lab")) return list();
    return lab_json(find_lab(params));
}

json LabManager::list() const {
    json labs = json::array();
    for (const auto& [name, record] : labs_) {
        json entry = lab_json(record);
        json summary{{"name", name}, {"state", entry["state"]}, {"created", entry["created"]},
                     {"source", entry["source"]}};
        if (record.model) {
            summary["nodes"] = record.model->nodes.size();
            summary["links"] = record.model->links.size();
        }
        labs.push_back(std::move(summary));
    }
    return json{{"labs", labs}};
}

json LabManager::node(const json& params) const {
    const auto& record = find_lab(params);
    auto name = required_string(params, "node");
    // An interrupted lab is whole in the kernel; only some of its processes are missing.
    if (record.state != LabState::up && record.state != LabState::interrupted) {
        throw ApiError("not-up", fmt::format("lab {} is not up", record.name));
    }
    const topology::Node* node = record.model ? record.model->find_node(name) : nullptr;
    if (node == nullptr) {
        std::vector<std::string> names;
        for (const auto& n : record.model->nodes) names.push_back(n.name);
        throw ApiError("no-such-node", fmt::format("lab {} has no node {}", record.name, name),
                       topology::suggestion(name, names, "its nodes are"));
    }
    if (node->is_switch()) {
        throw ApiError("no-such-node", fmt::format("{} is a switch, a bridge with no namespace of its own; run "
                                                   "commands on a host or router",
                                                   name));
    }
    auto netns_name = build::node_netns_name(record.name, name);
    return json{{"lab", record.name},
                {"node", name},
                {"kind", topology::to_string(node->kind)},
                {"netns", (paths_.plan.netns_directory / netns_name).string()},
                {"etc", (paths_.plan.etc_directory / netns_name).string()}};
}

json LabManager::topology(const json& params) const {
    const auto& record = find_lab(params);
    return json{{"lab", record.name}, {"source", record.source_file}, {"text", record.topology_text}};
}

asio::awaitable<json> LabManager::set_link(const json& params) {
    const auto& record = find_lab(params);
    auto endpoint = required_string(params, "endpoint");
    auto state = required_string(params, "state");
    if (state != "up" && state != "down") throw ApiError("bad-request", "a link's state is up or down");
    auto colon = endpoint.find(':');
    auto node = endpoint.substr(0, colon);
    auto interface = colon == std::string::npos ? std::string() : endpoint.substr(colon + 1);
    if ((record.state != LabState::up && record.state != LabState::interrupted) || !record.model) {
        throw ApiError("busy", fmt::format("lab {} is not up", record.name));
    }
    auto plan = build::plan_lab(*record.model, paths_.plan);
    const auto* named = build::find_endpoint_device(plan, *record.model, node, interface);
    if (named == nullptr) {
        throw ApiError("no-such-link", fmt::format("no link of lab {} has the endpoint {}", record.name, endpoint),
                       "name a node and its interface as the topology's links do, like h1:eth0");
    }
    // Like pulling a cable: on a LAN link the switch's port goes down, so the node's own
    // interface keeps its addresses and routes and only loses its carrier. A link between
    // two nodes has no middle: the named end goes down (the other end loses its carrier),
    // and the kernel drops that end's routes, so they are put back when it comes up.
    const build::DevicePlan* device = named;
    for (const auto& veth : plan.veths) {
        if (&veth.peer == named && plan.namespaces.at(veth.local.namespace_index).is_fabric()) device = &veth.local;
    }
    bool up = state == "up";
    const auto& space = plan.namespaces.at(device->namespace_index);
    std::vector<net::NetlinkRequest> routes;
    if (up && !space.is_fabric()) {
        for (const auto& route : space.routes) {
            routes.push_back(net::route_request(route.destination, route.via, route.metric, RTPROT_STATIC, route.what));
        }
    }
    co_await run_in_thread(io_, [&] {
        net::run_in_netns(space.path, [&] {
            int ifindex = static_cast<int>(::if_nametoindex(device->name.c_str()));
            if (ifindex == 0) util::throw_errno("no device " + device->name);
            auto socket = net::NetlinkSocket::open();
            socket.execute(net::link_state_request(ifindex, up, "link " + endpoint + " " + state));
            for (auto& route : routes) {
                try {
                    socket.execute(std::move(route));
                } catch (const net::NetlinkError& error) {
                    if (error.error_number() != EEXIST) throw;  // a route through another interface stayed
                }
            }
        });
    });
    spdlog::info("lab.link lab={} endpoint={} state={}", record.name, endpoint, state);
    co_return json{{"lab", record.name}, {"endpoint", endpoint}, {"state", state}};
}

asio::awaitable<json> LabManager::logs(const json& params, api::RequestContext& context) {
    const auto& record = find_lab(params);
    auto node = required_string(params, "node");
    auto lab = record.name;
    if (!record.model || !record.model->find_node(node) || record.model->find_node(node)->is_switch()) {
        throw ApiError("no-such-node", fmt::format("lab {} has no node {} with logs", lab, node));
    }
    auto file = paths_.log_file(lab, node);
    auto text = util::read_file(file).value_or("");
    if (!params.value("follow", false)) co_return json{{"text", text}};

    // Follow: send what is there, then what is appended, until the client hangs up or the
    // lab goes (its log directory is removed).
    std::size_t offset = text.size();
    if (!text.empty()) context.event("log", {{"text", text}});
    int inotify = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify < 0) throw ApiError("internal", "inotify_init1 failed");
    asio::posix::stream_descriptor events(io_, inotify);
    if (::inotify_add_watch(inotify, file.c_str(), IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
        throw ApiError("no-such-node", fmt::format("node {} has no log file", node));
    }
    context.on_client_gone([&events] {
        boost::system::error_code ignored;
        events.cancel(ignored);
    });
    std::array<char, 4096> buffer{};
    while (!context.client_gone()) {
        boost::system::error_code error;
        std::size_t n = co_await events.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, error));
        if (error) break;
        bool gone = watched_file_gone(buffer.data(), n);
        auto added = read_from(file, offset);
        if (added && !added->empty()) {
            offset += added->size();
            context.event("log", {{"text", std::move(*added)}});
            co_await context.sent();
        }
        if (gone || !added) break;
    }
    co_return json{{"text", ""}, {"ended", true}};
}

}  // namespace emu::daemon
