#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <tl/expected.hpp>

#include "emud/scenario/pattern.hpp"
#include "emud/topology/diagnostics.hpp"

namespace emu::scenario {

/// Run a command in a node (through `emu exec`) and check how it ended.
struct ExecStep {
    std::string node;
    topology::SourceSpot node_where;  ///< where the file names it
    std::string command;  ///< given to /bin/sh -c
    int expect_exit = 0;
    std::vector<std::string> expect_output;  ///< each must appear in what it printed (stdout and stderr)
    double timeout = 30;                     ///< seconds; a command still running then fails the step
    /// Run it again until it passes, for at most this many seconds (waiting for a server to
    /// listen, say); 0: once.
    double retry = 0;
    /// Start it and go on (a server for later steps); it ends with the lab or the scenario.
    bool background = false;
};

/// Wait until an event matching the pattern is in the trace, for at most `timeout` seconds.
struct WaitTraceStep {
    TracePattern pattern;
    double timeout = 5;
};

/// Take a node's interface (and so its link) down or up.
struct LinkStep {
    std::string endpoint;  ///< "h1:eth0"
    topology::SourceSpot endpoint_where;
    bool up = false;
};

/// Let time pass: only for scenarios about time itself (timeouts, timers).
struct SleepStep {
    double seconds = 0;
};

struct Step {
    std::string name;  ///< the step's `name:`, or one made from what it does
    topology::SourceSpot where;
    std::variant<ExecStep, WaitTraceStep, LinkStep, SleepStep> action;
};

struct Scenario {
    std::string name;
    std::string description;
    std::optional<std::filesystem::path> topology;  ///< resolved against the scenario's folder
    std::vector<Step> steps;
    std::vector<TracePattern> expect_trace;
    double expect_within = 3;  ///< seconds the trace may take to show every expected event
    std::string source_file;
};

using ScenarioResult = tl::expected<Scenario, topology::Diagnostics>;

/// Parses and checks a scenario: every problem with its line and column, or a scenario
/// that can run. `file_name` resolves a relative `topology:` path.
ScenarioResult load_scenario(std::string_view yaml_text, const std::string& file_name);
ScenarioResult load_scenario_file(const std::filesystem::path& path);

}  // namespace emu::scenario
