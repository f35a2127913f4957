// emu: the command line of the emu network emulator. Everything that changes a lab goes
// through emud's control socket; `emu exec` joins the node itself.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "cli/client.hpp"
#include "cli/commands.hpp"
#include "emud/topology/checks.hpp"
#include "emud/topology/diagnostics.hpp"

namespace {

int run(int argc, char** argv) {
    using namespace emu::cli;
    // `emu exec LAB NODE -- COMMAND…`: everything after the node is the command, untouched.
    if (argc >= 2 && std::string(argv[1]) == "exec") {
        std::vector<std::string> rest(argv + 2, argv + argc);
        if (rest.empty() || rest[0] == "-h" || rest[0] == "--help") {
            std::cout << "Usage: emu exec LAB NODE [--] [COMMAND [ARGUMENT…]]\n"
                         "Runs COMMAND inside NODE (a shell when none is given); its exit status is emu's.\n";
            return rest.empty() ? kUsageExit : 0;
        }
        return exec_command(rest);
    }

    // --name is checked as the flag it is, before any file is read.
    const CLI::Validator lab_name(
        [](std::string& value) {
            return emu::topology::is_valid_lab_name(value)
                       ? std::string()
                       : "lab name '" + value + "' is not allowed: " + emu::topology::lab_name_rule();
        },
        "LAB");

    CLI::App app{"emu: network labs of namespaces, veths and bridges, from YAML topologies.\n"
                 "Start with: emu up topologies/campus.yaml"};
    app.require_subcommand(1);
    app.footer("emu exec LAB NODE [--] [COMMAND…]  runs a command inside a node (a shell by default)\n\n"
               "Exit status: 0 when it did what was asked; 1 when it failed (a lab could not be brought up or\n"
               "taken down, a lab named is not up, validate found problems, a scenario failed); 2 when the\n"
               "command line is wrong. emu exec exits with the command's own status.");

    std::vector<std::string> files;
    auto* validate = app.add_subcommand("validate", "check topology files and print every problem");
    validate->add_option("files", files, "topology files")->required()->check(CLI::ExistingFile);

    std::string shape;
    auto* gen = app.add_subcommand("gen", "print the topology of a built-in shape: linear,N tree,D,F ring,N star,N");
    gen->add_option("shape", shape, "the shape, like linear,4")->required();

    std::string file;
    std::string topo;
    std::optional<std::string> name;
    auto* up = app.add_subcommand("up", "bring a lab up from a topology file or a built-in shape");
    auto* up_file = up->add_option("file", file, "topology file");
    auto* up_topo = up->add_option("--topo", topo, "a built-in shape instead of a file (linear,N tree,D,F ring,N star,N)");
    up_file->excludes(up_topo);
    up->add_option("--name", name, "the lab's name (instead of the file's `name:`)")->check(lab_name);

    std::vector<std::string> labs;
    bool all = false;
    bool missing_ok = false;
    auto* down = app.add_subcommand("down", "take labs down: every namespace, link, file and process of them");
    down->add_option("labs", labs, "lab names");
    down->add_flag("--all", all, "every lab, also one being built (its up is cancelled and rolled back)");
    down->add_flag("--missing-ok", missing_ok, "a lab that is not up is no failure");

    std::optional<std::string> status_lab;
    bool as_json = false;
    auto* status = app.add_subcommand("status", "the labs that are up, or one lab's nodes, addresses and processes");
    status->add_option("lab", status_lab, "a lab");
    status->add_flag("--json", as_json, "print JSON");
    auto* list = app.add_subcommand("list", "the labs that are up");
    list->add_flag("--json", as_json, "print JSON");

    std::string lab;
    std::string node;
    bool follow = false;
    auto* logs = app.add_subcommand("logs", "what the processes of a node printed");
    logs->add_option("lab", lab, "the lab")->required();
    logs->add_option("node", node, "the node")->required();
    logs->add_flag("-f,--follow", follow, "keep printing what comes");

    std::string graph_target;
    std::string svg;
    auto* graph = app.add_subcommand("graph", "draw a topology file or a running lab as Graphviz DOT");
    graph->add_option("target", graph_target, "a topology file or a lab name")->required();
    graph->add_option("--svg", svg, "render to this SVG file with Graphviz instead");

    emu::trace::TraceFilter filter;
    auto* trace = app.add_subcommand("trace", "the decoded timeline of every frame on a lab's links");
    trace->add_option("lab", lab, "the lab")->required();
    trace->add_flag("-f,--follow", follow, "keep printing frames as they come");
    trace->add_flag("--json", as_json, "one JSON object per frame, with every field");
    trace->add_option("--svg", svg, "draw the frames as a ladder diagram (one lane per node) to this SVG file");
    trace->add_option("--node", filter.nodes, "only frames sent or received by this node (repeatable)");
    trace->add_option("--link", filter.links, "only frames on this link or switch (repeatable)");
    trace->add_option("--protocol", filter.protocols, "only frames with this layer: arp, icmp, tcp … (repeatable)");

    std::string output;
    auto* capture = app.add_subcommand("capture", "write a lab's frames so far as pcapng (Wireshark, tshark)");
    capture->add_option("lab", lab, "the lab")->required();
    capture->add_option("-w,--write", output, "the file, or - for standard output")->required();

    std::string scenario_file;
    RunOptions run_options;
    auto* run_scenario = app.add_subcommand("run", "run a scenario: its lab, its steps, and the trace it expects");
    run_scenario->add_option("scenario", scenario_file, "the scenario file")->required()->check(CLI::ExistingFile);
    run_scenario->add_option("--lab", run_options.lab, "run it on this lab, already up, instead of its topology");
    run_scenario->add_option("--name", run_options.name, "the name of the lab it brings up")->check(lab_name);
    run_scenario->add_flag("--keep", run_options.keep, "leave the lab up afterwards");
    run_scenario->add_flag("--json", run_options.as_json, "print the result as JSON");
    run_scenario->add_option("--junit", run_options.junit, "write the result as JUnit XML to this file");
    run_scenario->add_option("--pcapng", run_options.pcapng,
                             "where to keep the frames when it fails (else a new folder under $TMPDIR)");

    std::string endpoint;
    std::string state;
    auto* link = app.add_subcommand("link", "take a node's interface, and so its link, down or up");
    link->add_option("lab", lab, "the lab")->required();
    link->add_option("endpoint", endpoint, "NODE:INTERFACE, as in the topology's links")->required();
    link->add_option("state", state, "down or up")->required()->check(CLI::IsMember({"down", "up"}));

    auto* shutdown = app.add_subcommand("shutdown", "stop emud (labs that are up stay up)");

    app.add_subcommand("exec", "run a command inside a node: emu exec LAB NODE [--] COMMAND…");

    // An unknown command is named, with the nearest one (CLI11 would only say that one is
    // required).
    if (argc >= 2 && argv[1][0] != '-') {
        std::vector<std::string> commands;
        for (const auto* command : app.get_subcommands([](CLI::App*) { return true; })) {
            commands.push_back(command->get_name());
        }
        if (std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
            throw CliError(fmt::format("unknown command '{}'", argv[1]),
                           emu::topology::suggestion(argv[1], commands, "the commands are"), kUsageExit);
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // CLI11's own codes (106, 109 …) mean nothing to a script: a wrong command line is 2.
        return app.exit(error) == 0 ? 0 : kUsageExit;
    }

    if (*validate) return validate_command(files);
    if (*gen) return gen_command(shape);
    if (*up) {
        if (file.empty() && topo.empty()) throw CliError("say what to bring up: a topology file, or --topo SHAPE", nullptr, kUsageExit);
        return up_command(file, topo, name);
    }
    if (*down) return down_command(labs, all, missing_ok);
    if (*status) return status_command(status_lab, as_json);
    if (*list) return status_command(std::nullopt, as_json);
    if (*logs) return logs_command(lab, node, follow);
    if (*graph) return graph_command(graph_target, svg);
    if (*trace) return trace_command(lab, filter, follow, as_json, svg);
    if (*capture) return capture_command(lab, output);
    if (*run_scenario) return run_command(scenario_file, run_options);
    if (*link) return link_command(lab, endpoint, state);
    if (*shutdown) return shutdown_command();
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const emu::cli::CliError& error) {
        std::cerr << "emu: " << error.what() << "\n";
        if (error.details().is_array()) {
            for (const auto& line : error.details()) std::cerr << line.get<std::string>();
        } else if (error.details().is_string()) {
            std::cerr << "    hint: " << error.details().get<std::string>() << "\n";
        }
        return error.exit_code();
    } catch (const std::exception& error) {
        std::cerr << "emu: " << error.what() << "\n";
        return 1;
    }
}
