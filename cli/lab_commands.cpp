#include <unistd.h>

#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/capture_file.hpp"
#include "cli/client.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "emud/topology/loader.hpp"
#include "emud/topology/shapes.hpp"
#include "lib/util/files.hpp"

namespace emu::cli {
namespace {

using json = nlohmann::json;

// Labs larger than this are summed up after `up` rather than listed node by node.
constexpr std::size_t kListedNodes = 60;

std::string join(const json& items, const char* separator = ", ") {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item.get<std::string>();
    return out;
}

std::string render_nodes(const json& lab) {
    Table table({"NODE", "KIND", "INTERFACE", "ADDRESSES"});
    std::map<std::string, int> ports;
    for (const auto& link : lab.value("links", json::array())) {
        for (const char* end : {"a", "b"}) {
            auto text = link[end].get<std::string>();
            ++ports[text.substr(0, text.find(':'))];
        }
    }
    for (const auto& node : lab.value("nodes", json::array())) {
        auto name = node["name"].get<std::string>();
        auto kind = node["kind"].get<std::string>();
        if (kind == "switch") {
            table.add({name, kind, fmt::format("({} ports)", ports[name]), join(node.value("subnets", json::array()))});
            continue;
        }
        const auto& interfaces = node.value("interfaces", json::array());
        if (interfaces.empty()) table.add({name, kind, "-", ""});
        bool first = true;
        for (const auto& interface : interfaces) {
            std::string addresses = join(interface["addresses"]);
            if (interface.value("dhcp", false)) addresses = addresses.empty() ? "dhcp" : "dhcp, " + addresses;
            auto interface_name = interface["name"].get<std::string>();
            if (interface["kernel_name"] != interface["name"]) {
                interface_name += " (" + interface["kernel_name"].get<std::string>() + ")";
            }
            table.add({first ? name : "", first ? kind : "", interface_name, addresses});
            first = false;
        }
    }
    return table.render();
}

std::string render_processes(const json& lab) {
    Table table({"NODE", "PROCESS", "STATE", "PID", "COMMAND"});
    bool any = false;
    for (const auto& node : lab.value("nodes", json::array())) {
        for (const auto& process : node.value("processes", json::array())) {
            std::string state = process["state"].get<std::string>();
            if (process.contains("exit_code")) state += fmt::format(" ({})", process["exit_code"].get<int>());
            if (process.contains("signal")) state += fmt::format(" (signal {})", process["signal"].get<int>());
            if (state == "ended") state += " (status unknown)";
            if (process.value("restarts", 0) > 0) state += fmt::format(", {} restarts", process["restarts"].get<int>());
            table.add({node["name"].get<std::string>(), process["name"].get<std::string>(), state,
                       process.contains("pid") ? std::to_string(process["pid"].get<int>()) : "-",
                       process.value("command", "")});
            any = true;
        }
    }
    return any ? table.render() : "";
}

// One line that rewrites itself while the lab is built, on a terminal only.
class ProgressLine {
public:
    ProgressLine() : terminal_(::isatty(STDERR_FILENO) == 1) {}
    void show(const json& data) {
        if (!terminal_) return;
        std::cerr << fmt::format("\r\033[K  building: {} {}/{}", data.value("phase", ""), data.value("done", 0),
                                 data.value("total", 0))
                  << std::flush;
        shown_ = true;
    }
    void clear() {
        if (shown_) std::cerr << "\r\033[K" << std::flush;
        shown_ = false;
    }

private:
    bool terminal_;
    bool shown_ = false;
};

}  // namespace

int up_command(const std::string& file, const std::string& shape, const std::optional<std::string>& name) {
    std::string text;
    std::string source;
    if (!shape.empty()) {
        auto generated = topology::generate_shape(shape);
        if (!generated) throw CliError(generated.error());
        text = std::move(*generated);
        source = "--topo " + shape;
    } else {
        auto content = topology::read_topology_file(file);
        if (!content) {
            std::cerr << topology::format(content.error(), file);
            return 1;
        }
        text = std::move(*content);
        source = std::filesystem::absolute(file).lexically_normal().string();
    }
    // Checked here first, so that mistakes are shown without root or a daemon.
    auto lab = topology::load_topology(text, {shape.empty() ? file : source, name});
    if (!lab) {
        std::cerr << topology::format_all(lab.error(), shape.empty() ? file : source);
        return 1;
    }
    std::cerr << topology::format_all(lab->warnings, shape.empty() ? file : source);
    auto client = Client::connect();
    json params{{"text", text}, {"file", source}};
    if (name) params["name"] = *name;
    ProgressLine progress;
    json result;
    try {
        result = client.call("up", params, [&](const std::string& event, json& data) {
            if (event == "progress") progress.show(data);
        });
    } catch (...) {
        progress.clear();
        throw;
    }
    progress.clear();
    auto nodes = result.value("nodes", json::array());
    if (result.contains("removed_leftovers")) {
        std::cout << fmt::format("removed what was left of an earlier lab {}\n", result["name"].get<std::string>());
    }
    if (result.value("finished", false)) {
        std::cout << fmt::format("lab {} is up: its interrupted `up` is finished, {} processes started\n\n",
                                 result["name"].get<std::string>(), result.value("processes_started", 0));
    } else {
        std::cout << fmt::format("lab {} is up: {} nodes, {} links in {:.3f} s\n\n", result["name"].get<std::string>(),
                                 nodes.size(), result.value("links", json::array()).size(),
                                 result.value("seconds", 0.0));
    }
    if (nodes.size() <= kListedNodes) {
        std::cout << render_nodes(result);
    } else {
        std::cout << fmt::format("(`emu status {}` lists every node)\n", result["name"].get<std::string>());
    }
    return 0;
}

int down_command(const std::vector<std::string>& labs, bool all, bool missing_ok) {
    if (labs.empty() && !all) throw CliError("say which lab to take down, or --all", nullptr, kUsageExit);
    auto client = Client::connect();
    std::vector<json> replies;
    if (all) {
        replies.push_back(client.call("down", {{"all", true}}));
    } else {
        for (const auto& lab : labs) replies.push_back(client.call("down", {{"lab", lab}}));
    }
    std::size_t count = 0;
    std::vector<std::string> failed;
    for (const auto& reply : replies) {
        for (const auto& lab : reply.value("labs", json::array())) {
            ++count;
            auto name = lab.value("lab", "");
            if (lab.contains("error")) {
                failed.push_back(lab["error"].get<std::string>());
            } else if (lab.value("absent", false)) {
                if (missing_ok) {
                    std::cout << lab.value("message", "") << "; nothing to remove\n";
                } else {
                    failed.push_back(lab.value("message", "lab " + name + " is not up"));
                }
            } else if (lab.contains("namespaces_removed")) {
                std::cout << fmt::format("lab {} is down: {} namespaces and {} processes removed in {:.3f} s\n", name,
                                         lab.value("namespaces_removed", 0), lab.value("processes_killed", 0),
                                         lab.value("seconds", 0.0));
            } else {
                std::cout << lab.value("message", "lab " + name + " is down") << "\n";
            }
        }
    }
    if (all) {
        auto remaining = replies.front().value("remaining", json::array());
        if (!remaining.empty()) {
            throw CliError(fmt::format("still there: {} (`emu status` says why)", join(remaining)));
        }
        if (count == 0) std::cout << "no labs are up\n";
        return 0;
    }
    if (!failed.empty()) {
        throw CliError(fmt::format("{}", fmt::join(failed, "; ")),
                       missing_ok ? json(nullptr) : json("a lab that is not up is fine with --missing-ok"));
    }
    return 0;
}

int status_command(const std::optional<std::string>& lab, bool as_json) {
    auto client = Client::connect();
    if (!lab) {
        auto reply = client.call("list", json::object());
        if (as_json) {
            std::cout << reply.dump(2) << "\n";
            return 0;
        }
        const auto& labs = reply.value("labs", json::array());
        if (labs.empty()) {
            std::cout << "no labs are up\n";
            return 0;
        }
        Table table({"LAB", "STATE", "NODES", "LINKS", "SINCE", "FROM"});
        for (const auto& entry : labs) {
            table.add({entry["name"].get<std::string>(), entry["state"].get<std::string>(),
                       std::to_string(entry.value("nodes", 0)), std::to_string(entry.value("links", 0)),
                       entry.value("created", ""), entry.value("source", "")});
        }
        std::cout << table.render();
        return 0;
    }
    auto reply = client.call("status", {{"lab", *lab}});
    if (as_json) {
        std::cout << reply.dump(2) << "\n";
        return 0;
    }
    std::cout << fmt::format("lab {}: {} since {}, from {}\n", reply["name"].get<std::string>(),
                             reply["state"].get<std::string>(), reply.value("created", ""), reply.value("source", ""));
    if (reply.contains("note")) std::cout << "note: " << reply["note"].get<std::string>() << "\n";
    if (auto capture = reply.find("capture"); capture != reply.end() && capture->is_object()) {
        std::cout << fmt::format("capture: {} frames, {} in the pcapng ({:.1f} MB)\n", capture->value("frames", 0),
                                 capture->value("frames_in_file", 0), capture->value("file_bytes", 0) / 1e6);
        for (const auto& loss : capture_losses(*capture)) std::cout << "capture: " << loss << "\n";
    }
    std::cout << "\n" << render_nodes(reply);
    auto processes = render_processes(reply);
    if (!processes.empty()) std::cout << "\n" << processes;
    return 0;
}

int logs_command(const std::string& lab, const std::string& node, bool follow) {
    auto client = Client::connect();
    auto reply = client.call("logs", {{"lab", lab}, {"node", node}, {"follow", follow}},
                             [](const std::string& event, json& data) {
                                 if (event == "log") std::cout << data.value("text", "") << std::flush;
                             });
    std::cout << reply.value("text", "");
    return 0;
}

int shutdown_command() {
    auto client = Client::connect();
    client.call("shutdown", json::object());
    std::cout << "emud stopped; labs that are up stay up\n";
    return 0;
}

}  // namespace emu::cli
