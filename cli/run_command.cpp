// emu run: a scenario against a lab. The runner is a client of emud like the rest of the
// CLI: it brings the lab up, runs each step (commands through `emu exec`), waits for trace
// events with deadlines, checks the expected trace in order, and reports.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "cli/capture_file.hpp"
#include "cli/client.hpp"
#include "cli/commands.hpp"
#include "cli/timeline.hpp"
#include "emud/scenario/lab_check.hpp"
#include "emud/scenario/report.hpp"
#include "emud/scenario/scenario.hpp"
#include "emud/topology/loader.hpp"
#include "lib/util/files.hpp"
#include "lib/util/paths.hpp"
#include "lib/util/subprocess.hpp"

namespace emu::cli {
namespace {

using nlohmann::json;
using scenario::CheckResult;
using scenario::Outcome;
using Clock = std::chrono::steady_clock;

// How often a step that waits for the trace asks emud again. The wait itself ends on the
// event or at the step's deadline.
constexpr auto kTracePoll = std::chrono::milliseconds(20);
constexpr auto kRetryPause = std::chrono::milliseconds(100);

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

Clock::duration duration_of(double seconds) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

class ScenarioRun {
public:
    /// `counts_before`: the capture's counts when the run began (null for a lab it made).
    ScenarioRun(Client& client, const scenario::Scenario& scenario, std::string lab, json counts_before)
        : client_(client), scenario_(scenario), lab_(std::move(lab)), counts_before_(std::move(counts_before)) {}

    ~ScenarioRun() { stop_background(); }

    /// Runs the steps, then the expected trace; fills the report.
    void run(scenario::RunReport& report, std::uint64_t start_after) {
        first_after_ = start_after;
        cursor_ = start_after;
        wait_after_ = start_after;
        bool failed = false;
        for (const auto& step : scenario_.steps) {
            CheckResult check{"step", step.name, Outcome::skipped, 0, "", ""};
            if (!failed) {
                auto started = Clock::now();
                try {
                    std::visit([&](const auto& action) { do_step(action, check); }, step.action);
                } catch (const std::exception& error) {
                    check.outcome = Outcome::failed;
                    check.message = error.what();
                }
                check.seconds = seconds_since(started);
                failed = check.outcome == Outcome::failed;
            }
            report.checks.push_back(std::move(check));
        }
        if (!scenario_.expect_trace.empty()) check_expected_trace(report, failed);
        stop_background();
        if (!report.passed()) report.trace_context = trace_context();
        report_losses(report);
    }

private:
    void do_step(const scenario::ExecStep& exec, CheckResult& check) {
        std::vector<std::string> argv{(util::program_dir() / "emu").string(), "exec", lab_, exec.node, "--",
                                      "/bin/sh", "-c", exec.command};
        if (exec.background) {
            start_background(argv);
            check.outcome = Outcome::passed;
            return;
        }
        auto give_up = Clock::now() + duration_of(exec.retry);
        while (true) {
            auto result = util::run_process(argv, {}, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                           std::chrono::duration<double>(exec.timeout)));
            check.output = result.out + result.err;
            check.message = exec_problem(exec, result);
            if (check.message.empty() || Clock::now() >= give_up) break;
            std::this_thread::sleep_for(kRetryPause);
        }
        check.outcome = check.message.empty() ? Outcome::passed : Outcome::failed;
    }

    static std::string exec_problem(const scenario::ExecStep& exec, const util::ProcessResult& result) {
        if (result.timed_out) return fmt::format("still running after {} s", exec.timeout);
        if (result.exit_code != exec.expect_exit) {
            return fmt::format("exit status {}, expected {}", result.exit_code, exec.expect_exit);
        }
        for (const auto& text : exec.expect_output) {
            if ((result.out + result.err).find(text) == std::string::npos) {
                return fmt::format("its output does not contain \"{}\"", text);
            }
        }
        return {};
    }

    void do_step(const scenario::WaitTraceStep& wait, CheckResult& check) {
        check.decided_by_trace = true;
        auto give_up = Clock::now() + duration_of(wait.timeout);
        while (true) {
            fetch_events();
            for (const auto& event : events_) {
                if (event.number > wait_after_ && wait.pattern.matches(event)) {
                    wait_after_ = event.number;
                    check.outcome = Outcome::passed;
                    check.message = fmt::format("frame {}", event.number);
                    return;
                }
            }
            if (Clock::now() >= give_up) break;
            std::this_thread::sleep_for(kTracePoll);
        }
        failure_anchor_ = wait_after_;
        check.outcome = Outcome::failed;
        check.message = fmt::format("no {} within {} s after frame {}", wait.pattern.describe(), wait.timeout, wait_after_);
    }

    void do_step(const scenario::LinkStep& link, CheckResult& check) {
        client_.call("link", {{"lab", lab_}, {"endpoint", link.endpoint}, {"state", link.up ? "up" : "down"}});
        check.outcome = Outcome::passed;
    }

    void do_step(const scenario::SleepStep& sleep, CheckResult& check) {
        std::this_thread::sleep_for(duration_of(sleep.seconds));
        check.outcome = Outcome::passed;
    }

    void check_expected_trace(scenario::RunReport& report, bool steps_failed) {
        const auto& patterns = scenario_.expect_trace;
        scenario::OrderedMatch match;
        match.searched_after = start_after();
        auto started = Clock::now();
        if (!steps_failed) {
            auto give_up = Clock::now() + duration_of(scenario_.expect_within);
            while (true) {
                fetch_events();
                scenario::match_in_order(patterns, events_, match);
                if (!match.missing || Clock::now() >= give_up) break;
                std::this_thread::sleep_for(kTracePoll);
            }
        }
        for (std::size_t i = 0; i < patterns.size(); ++i) {
            CheckResult check{"expect_trace", fmt::format("trace: {}", patterns[i].describe()), Outcome::skipped,
                              seconds_since(started), "", "", true};
            if (i < match.matched.size()) {
                check.outcome = Outcome::passed;
                check.message = fmt::format("frame {}", match.matched[i]);
            } else if (!steps_failed && i == match.matched.size()) {
                auto after = match.matched.empty() ? start_after() : match.matched.back();
                failure_anchor_ = after;
                check.outcome = Outcome::failed;
                check.message = fmt::format("line {}: no such event after frame {} within {} s", patterns[i].where.line,
                                            after, scenario_.expect_within);
            }
            report.checks.push_back(std::move(check));
        }
    }

    std::uint64_t start_after() const { return first_after_; }

    // What the capture lost while the scenario ran: frames the kernel dropped, and frames
    // the trace's ring let go before this run read them. Either may have been the frame a
    // failed wait or expectation looked for, so each such failure says so.
    void report_losses(scenario::RunReport& report) {
        fetch_events();
        auto grown = [&](const char* key) {
            auto now = counts_now_.value(key, std::uint64_t{0});
            auto before = counts_before_.is_object() ? counts_before_.value(key, std::uint64_t{0}) : 0;
            return now > before ? now - before : 0;
        };
        json lost{{"kernel_dropped", grown("kernel_dropped")},
                  {"frames_not_in_file", grown("frames_not_in_file")},
                  {"events_evicted", missed_},
                  {"file_limit", counts_now_.value("file_limit", std::uint64_t{0})},
                  {"ring_bytes", counts_now_.value("ring_bytes", std::uint64_t{0})}};
        report.capture_losses = capture_losses(lost);
        report.frames_unseen = lost["kernel_dropped"].get<std::uint64_t>() + missed_;
        if (report.frames_unseen == 0) return;
        for (auto& check : report.checks) {
            if (check.outcome != Outcome::failed || !check.decided_by_trace) continue;
            check.message += fmt::format(" — but {} frames of the run were never seen (see the capture's losses "
                                         "below): the event may have been one of them",
                                         report.frames_unseen);
        }
    }

    // Fetches every event after the last one seen; keeps them for the checks that follow.
    void fetch_events() {
        while (true) {
            auto slice = client_.call("trace", {{"lab", lab_}, {"after", cursor_}});
            missed_ += slice.value("missed", std::uint64_t{0});
            if (auto counts = slice.find("counts"); counts != slice.end() && counts->is_object()) counts_now_ = *counts;
            for (auto& item : slice["events"]) events_.push_back(trace::event_from_json(std::move(item)));
            auto next = slice.value("next", cursor_);
            if (next <= cursor_) break;
            cursor_ = next;
            if (cursor_ >= slice.value("last", cursor_)) break;
        }
    }

    std::vector<std::string> trace_context() {
        fetch_events();
        std::vector<std::string> lines;
        if (events_.empty()) return lines;
        auto start_ns = events_.front().timestamp_ns;
        for (const auto& event : events_) {
            if (event.number + 5 <= failure_anchor_ || event.number > failure_anchor_ + 15) continue;
            lines.push_back(fmt::format("  #{:<5}{}", event.number, timeline_line(event, start_ns)));
        }
        return lines;
    }

    void start_background(const std::vector<std::string>& argv) {
        std::vector<char*> args;
        for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        pid_t pid = ::fork();
        if (pid < 0) throw CliError("fork failed");
        if (pid == 0) {
            // Its own process group, so that the scenario's end reaches what it started; its
            // output is not the report's.
            ::setpgid(0, 0);
            int null_device = ::open("/dev/null", O_RDWR);
            ::dup2(null_device, STDIN_FILENO);
            ::dup2(null_device, STDOUT_FILENO);
            ::dup2(null_device, STDERR_FILENO);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        background_.push_back(pid);
    }

    // Background commands end with the scenario (and everything left in the lab with `down`).
    void stop_background() {
        for (auto pid : background_) {
            ::kill(-pid, SIGTERM);
            ::kill(pid, SIGTERM);
            ::waitpid(pid, nullptr, 0);
        }
        background_.clear();
    }

    Client& client_;
    const scenario::Scenario& scenario_;
    std::string lab_;
    std::vector<trace::TraceEvent> events_;
    std::uint64_t cursor_ = 0;       ///< the newest frame fetched
    std::uint64_t first_after_ = 0;  ///< frames up to here were there before the scenario
    std::uint64_t wait_after_ = 0;   ///< the next wait_trace looks after this frame
    std::uint64_t failure_anchor_ = 0;
    std::vector<pid_t> background_;
    json counts_before_;
    json counts_now_ = json::object();
    std::uint64_t missed_ = 0;            ///< frames the ring let go before this run read them
};

// The newest frame of a lab's trace, and the capture's counts then.
std::pair<std::uint64_t, json> newest_frame(Client& client, const std::string& lab) {
    auto slice = client.call("trace", {{"lab", lab}, {"limit", 0}});
    return {slice.value("last", std::uint64_t{0}), slice.value("counts", json())};
}

// The names of a lab that is up, from emud's `status`: the model it runs.
scenario::LabNames lab_names_of(const json& status) {
    scenario::LabNames names;
    names.lab = status.value("name", std::string());
    for (const auto& node : status.value("nodes", json::array())) {
        auto name = node.value("name", std::string());
        (node.value("kind", std::string()) == "switch" ? names.switches : names.nodes).push_back(name);
    }
    for (const auto& link : status.value("links", json::array())) {
        names.links.push_back(link.value("name", std::string()));
        names.endpoints.push_back(link.value("a", std::string()));
        names.endpoints.push_back(link.value("b", std::string()));
    }
    return names;
}

}  // namespace

int run_command(const std::string& file, const RunOptions& options) {
    auto loaded = scenario::load_scenario_file(file);
    if (!loaded) {
        std::cerr << topology::format_all(loaded.error(), file);
        return 1;
    }
    const auto& scenario = *loaded;
    if (!options.lab && !scenario.topology) {
        throw CliError(file + " names no topology", "add `topology: FILE`, or run it on a lab that is up: --lab LAB");
    }
    // The scenario names the lab's nodes and links: checked against the lab before it runs,
    // so that a step on a node the lab lacks is refused with its line, not run to fail.
    auto refused = [&](const scenario::LabNames& names) {
        topology::Diagnostics problems;
        for (auto& problem : scenario::check_against_lab(scenario, names)) problems.add(std::move(problem));
        std::cerr << topology::format_all(problems, file);
        return problems.has_errors();
    };
    std::optional<std::string> text;
    std::string source;
    if (!options.lab) {
        auto read = topology::read_topology_file(*scenario.topology);
        if (!read) {
            std::cerr << topology::format(read.error(), scenario.topology->string());
            return 1;
        }
        text = std::move(*read);
        source = std::filesystem::absolute(*scenario.topology).lexically_normal().string();
        auto model = topology::load_topology(*text, {source, options.name});
        if (!model) {
            std::cerr << topology::format_all(model.error(), scenario.topology->string());
            return 1;
        }
        std::cerr << topology::format_all(model->warnings, scenario.topology->string());
        if (refused(scenario::lab_names(*model))) return 1;
    }
    auto client = Client::connect();
    if (options.lab && refused(lab_names_of(client.call("status", {{"lab", *options.lab}})))) return 1;
    std::string lab;
    bool made_lab = false;
    if (options.lab) {
        lab = *options.lab;
    } else {
        json params{{"text", *text}, {"file", source}};
        if (options.name) params["name"] = *options.name;
        lab = client.call("up", params)["name"].get<std::string>();
        made_lab = true;
    }

    scenario::RunReport report;
    report.scenario = scenario.name;
    report.file = file;
    report.lab = lab;
    auto started = Clock::now();
    std::string failure;
    try {
        // A lab it made is counted from its start; one that was up, from now.
        auto [after, counts_before] = made_lab ? std::pair{std::uint64_t{0}, json()} : newest_frame(client, lab);
        ScenarioRun run(client, scenario, lab, std::move(counts_before));
        run.run(report, after);
        report.seconds = seconds_since(started);
        if (!report.passed()) {
            // Kept where it was asked for, else in a new folder of its own under $TMPDIR: a
            // run writes nothing into the current folder that it was not asked to.
            auto name = fmt::format("{}-{}.pcapng", std::filesystem::path(file).stem().string(), lab);
            report.pcapng_kept = options.pcapng.empty()
                                     ? (util::make_private_directory("emu-run-") / name).string()
                                     : options.pcapng;
            save_capture(client, lab, report.pcapng_kept);
        }
    } catch (const std::exception& error) {
        failure = error.what();
    }
    if (made_lab && !options.keep) {
        try {
            client.call("down", {{"lab", lab}});
        } catch (const std::exception& error) {
            std::cerr << "emu: taking lab " << lab << " down failed: " << error.what() << "\n";
        }
    }
    if (!failure.empty()) throw CliError("scenario " + scenario.name + " could not run: " + failure);

    if (options.as_json) {
        std::cout << scenario::report_json(report).dump(2) << "\n";
    } else {
        std::cout << scenario::report_table(report);
        if (options.keep && made_lab) std::cout << fmt::format("lab {} stays up (--keep)\n", lab);
    }
    if (!options.junit.empty()) util::write_file_atomic(options.junit, scenario::report_junit(report));
    return report.passed() ? 0 : 1;
}

int link_command(const std::string& lab, const std::string& endpoint, const std::string& state) {
    if (state != "up" && state != "down") throw CliError("a link is taken up or down: emu link LAB NODE:IF up|down");
    Client::connect().call("link", {{"lab", lab}, {"endpoint", endpoint}, {"state", state}});
    std::cout << fmt::format("{} of lab {} is {}\n", endpoint, lab, state);
    return 0;
}

}  // namespace emu::cli
