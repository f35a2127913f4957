#pragma once

#include <optional>
#include <string>
#include <vector>

#include "emud/trace/trace_filter.hpp"

namespace emu::cli {

// Each command returns the process's exit status and throws CliError for a failure to report.

/// emu validate FILE…: every problem of every file, with file:line:column.
int validate_command(const std::vector<std::string>& files);
/// emu gen SHAPE: the topology file of a built-in shape.
int gen_command(const std::string& shape);
/// emu graph FILE|LAB [--svg OUT]: Graphviz DOT on stdout, or an SVG drawn by `dot`.
int graph_command(const std::string& file_or_lab, const std::string& svg_file);

/// emu up FILE | --topo SHAPE [--name NAME]
int up_command(const std::string& file, const std::string& shape, const std::optional<std::string>& name);
/// emu down LAB… | --all [--missing-ok]: non-zero when a lab is left (or, without
/// --missing-ok, was not up).
int down_command(const std::vector<std::string>& labs, bool all, bool missing_ok);
/// emu status [LAB] [--json]
int status_command(const std::optional<std::string>& lab, bool as_json);
/// emu logs LAB NODE [-f]
int logs_command(const std::string& lab, const std::string& node, bool follow);
/// emu trace LAB [-f] [--json] [--svg FILE] [--node N] [--link L] [--protocol P]: the decoded
/// timeline, or a ladder diagram of it.
int trace_command(const std::string& lab, const trace::TraceFilter& filter, bool follow, bool as_json,
                  const std::string& svg_file);
/// emu capture LAB -w FILE: the lab's frames so far as pcapng ("-": standard output).
int capture_command(const std::string& lab, const std::string& output);
/// emu link LAB NODE:IF up|down: takes a node's interface, and so its link, down or up.
int link_command(const std::string& lab, const std::string& endpoint, const std::string& state);

/// What `emu run` is asked to do besides running the scenario.
struct RunOptions {
    std::optional<std::string> lab;   ///< run on this lab, already up, instead of the scenario's topology
    std::optional<std::string> name;  ///< the lab's name when the scenario brings one up
    bool keep = false;                ///< leave the lab up afterwards
    bool as_json = false;
    std::string junit;   ///< write JUnit XML here
    std::string pcapng;  ///< where to keep the frames after a failure
};
/// emu run SCENARIO: brings its lab up, runs its steps, checks the trace, reports; 0 when it passed.
int run_command(const std::string& file, const RunOptions& options);

/// emu shutdown: stops emud; labs stay up.
int shutdown_command();

/// emu exec LAB NODE [--] [COMMAND…]: runs COMMAND (default: a shell) inside NODE; the
/// exit status is the command's, since emu becomes it.
int exec_command(const std::vector<std::string>& arguments);

}  // namespace emu::cli
