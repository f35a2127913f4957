#include "emud/scenario/lab_check.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "lib/wire/mac_address.hpp"

namespace emu::scenario {
namespace {

using topology::Diagnostic;

// A hint names at most this many of a lab's names: a lab may have a thousand nodes.
constexpr std::size_t kNamesInHint = 12;

bool has(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// "what: a, b, c", the first dozen of a long list.
std::string names_list(const std::vector<std::string>& names, std::string_view what) {
    std::string list;
    for (std::size_t i = 0; i < names.size() && i < kNamesInHint; ++i) list += (i ? ", " : "") + names[i];
    if (names.size() > kNamesInHint) list += fmt::format(" and {} more", names.size() - kNamesInHint);
    return fmt::format("{}: {}", what, list);
}

// "did you mean 'h1'?" (topology::suggestion), else the names.
std::string names_hint(const std::string& word, const std::vector<std::string>& names, std::string_view what) {
    if (names.size() <= kNamesInHint) return topology::suggestion(word, names, what);
    if (auto close = topology::closest_match(word, names)) return "did you mean '" + *close + "'?";
    return names_list(names, what);
}

class Checker {
public:
    explicit Checker(const LabNames& lab) : lab_(lab) {}

    void exec_node(const ExecStep& exec) {
        if (has(lab_.nodes, exec.node)) return;
        if (has(lab_.switches, exec.node)) {
            error(exec.node_where, fmt::format("'{}' is a switch, a bridge with no namespace of its own", exec.node),
                  names_list(lab_.nodes, "run the command on a host or router"));
            return;
        }
        error(exec.node_where, fmt::format("lab {} has no node '{}'", lab_.lab, exec.node),
              names_hint(exec.node, lab_.nodes, "its hosts and routers"));
    }

    void link_endpoint(const LinkStep& link) {
        if (has(lab_.endpoints, link.endpoint)) return;
        auto node = link.endpoint.substr(0, link.endpoint.find(':'));
        if (!has(lab_.nodes, node) && !has(lab_.switches, node)) {
            error(link.endpoint_where, fmt::format("lab {} has no node '{}'", lab_.lab, node),
                  names_hint(node, lab_.nodes, "its hosts and routers"));
            return;
        }
        std::vector<std::string> ends;
        for (const auto& end : lab_.endpoints) {
            if (end.substr(0, end.find(':')) == node) ends.push_back(end);
        }
        error(link.endpoint_where, fmt::format("no link of lab {} ends at {}", lab_.lab, link.endpoint),
              ends.empty() ? fmt::format("{} is on no link", node)
                           : names_hint(link.endpoint, ends, fmt::format("{}'s links end at", node)));
    }

    void pattern(const TracePattern& pattern) {
        for (const auto& condition : pattern.conditions) {
            if (condition.is_list || condition.values.size() != 1) continue;  // the pattern's own problem
            const auto& key = condition.key;
            const auto& value = condition.values.front();
            if (key == "from" || key == "to") {
                sender_or_receiver(condition, value);
            } else if (key == "segment") {
                if (has(lab_.switches, value) || has(lab_.links, value)) continue;
                auto segments = lab_.switches;
                segments.insert(segments.end(), lab_.links.begin(), lab_.links.end());
                error(condition.value_where, fmt::format("lab {} has no switch or link '{}'", lab_.lab, value),
                      names_hint(value, segments, "its switches and links"));
            } else if (key == "link") {
                if (has(lab_.links, value)) continue;
                if (has(lab_.switches, value)) {
                    error(condition.value_where, fmt::format("'{}' is a switch, not a link", value),
                          fmt::format("`segment: {}` is every frame on it", value));
                } else {
                    error(condition.value_where, fmt::format("lab {} has no link '{}'", lab_.lab, value),
                          names_hint(value, lab_.links, "its links"));
                }
            }
        }
    }

    std::vector<Diagnostic> found() && { return std::move(found_); }

private:
    // An event's `from` and `to` are the nodes that own the frame's MAC addresses, or the
    // address itself when no node does (a broadcast).
    void sender_or_receiver(const Condition& condition, const std::string& value) {
        if (has(lab_.nodes, value) || wire::MacAddress::parse(value)) return;
        if (has(lab_.switches, value)) {
            error(condition.value_where,
                  fmt::format("'{}' is a switch: the frames on it are from and to the nodes on it", value),
                  fmt::format("name a host or router, or every frame on the LAN with `segment: {}`", value));
            return;
        }
        error(condition.value_where, fmt::format("lab {} has no node '{}'", lab_.lab, value),
              names_hint(value, lab_.nodes, "its hosts and routers (or a MAC address)"));
    }

    void error(topology::SourceSpot where, std::string message, std::string hint) {
        found_.push_back({where, std::move(message), std::move(hint)});
    }

    const LabNames& lab_;
    std::vector<Diagnostic> found_;
};

}  // namespace

LabNames lab_names(const topology::Lab& lab) {
    LabNames names;
    names.lab = lab.name;
    for (const auto& node : lab.nodes) (node.is_switch() ? names.switches : names.nodes).push_back(node.name);
    for (const auto& link : lab.links) {
        names.links.push_back(link.name);
        names.endpoints.push_back(link.a.to_string());
        names.endpoints.push_back(link.b.to_string());
    }
    return names;
}

std::vector<Diagnostic> check_against_lab(const Scenario& scenario, const LabNames& lab) {
    Checker checker(lab);
    for (const auto& step : scenario.steps) {
        if (const auto* exec = std::get_if<ExecStep>(&step.action)) checker.exec_node(*exec);
        if (const auto* link = std::get_if<LinkStep>(&step.action)) checker.link_endpoint(*link);
        if (const auto* wait = std::get_if<WaitTraceStep>(&step.action)) checker.pattern(wait->pattern);
    }
    for (const auto& pattern : scenario.expect_trace) checker.pattern(pattern);
    auto found = std::move(checker).found();
    std::stable_sort(found.begin(), found.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
    return found;
}

}  // namespace emu::scenario
