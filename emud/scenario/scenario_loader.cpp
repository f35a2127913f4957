#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "emud/scenario/scenario.hpp"
#include "emud/topology/yaml_document.hpp"
#include "lib/util/files.hpp"

namespace emu::scenario {
namespace {

using topology::Diagnostics;
using topology::spot_of;
using topology::suggestion;
using topology::type_name;

constexpr std::size_t kMaxScenarioBytes = 1 << 20;
const std::vector<std::string> kTopLevelKeys{"name", "description", "topology", "steps", "expect_trace",
                                             "expect_within"};
const std::vector<std::string> kActions{"exec", "wait_trace", "link", "sleep"};
const std::vector<std::string> kExecKeys{"exec", "name", "node", "expect_exit", "expect_output", "timeout", "retry",
                                         "background"};
const std::vector<std::string> kWaitKeys{"wait_trace", "name", "timeout"};
const std::vector<std::string> kLinkKeys{"link", "name", "state"};
const std::vector<std::string> kSleepKeys{"sleep", "name"};

class Reader {
public:
    explicit Reader(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

    Scenario read(const YAML::Node& root) {
        Scenario scenario;
        if (!root.IsMap()) {
            diagnostics_.error(spot_of(root, {1, 1}), fmt::format("a scenario is a map, not {}", type_name(root)),
                               "start with `name:`, `topology:` and `steps:`");
            return scenario;
        }
        check_keys(root, kTopLevelKeys, "scenario key");
        if (root["name"]) scenario.name = text(root["name"], "name").value_or("");
        if (scenario.name.empty()) diagnostics_.error({1, 1}, "the scenario has no `name:`", "add `name: what-it-shows`");
        if (root["description"]) scenario.description = text(root["description"], "description").value_or("");
        if (root["topology"]) {
            if (auto path = text(root["topology"], "topology")) scenario.topology = *path;
        }
        if (root["expect_within"]) scenario.expect_within = seconds(root["expect_within"], "expect_within");
        if (auto steps = root["steps"]) {
            if (!steps.IsSequence()) {
                diagnostics_.error(spot_of(steps), "`steps:` is a list of steps", "write each step as `- exec: …`");
            } else {
                for (const auto& step : steps) read_step(step, scenario);
            }
        }
        if (auto expected = root["expect_trace"]) {
            if (!expected.IsSequence()) {
                diagnostics_.error(spot_of(expected), "`expect_trace:` is a list of event patterns",
                                   "write each as `- {protocol: ARP, op: request}`");
            } else {
                for (const auto& item : expected) {
                    if (auto pattern = read_pattern(item)) scenario.expect_trace.push_back(std::move(*pattern));
                }
            }
        }
        if (scenario.steps.empty() && scenario.expect_trace.empty()) {
            diagnostics_.error({1, 1}, "the scenario has neither `steps:` nor `expect_trace:`",
                               "add what to do and what the trace must show");
        }
        return scenario;
    }

private:
    void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, std::string_view what) {
        for (const auto& entry : map) {
            auto key = entry.first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                diagnostics_.error(spot_of(entry.first), fmt::format("unknown {} '{}'", what, key),
                                   suggestion(key, allowed, what));
            }
        }
    }

    std::optional<std::string> text(const YAML::Node& node, std::string_view key) {
        if (!node.IsScalar()) {
            diagnostics_.error(spot_of(node), fmt::format("`{}` is a single value, not {}", key, type_name(node)));
            return std::nullopt;
        }
        return node.Scalar();
    }

    double seconds(const YAML::Node& node, std::string_view key) {
        auto value = text(node, key);
        if (!value) return 0;
        double number = 0;
        auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
        if (error != std::errc() || end != value->data() + value->size() || !std::isfinite(number) || number < 0 ||
            number > 86400) {
            diagnostics_.error(spot_of(node), fmt::format("`{}: {}` is not a number of seconds", key, *value),
                               "write seconds from 0 to 86400, like 2 or 0.5");
            return 0;
        }
        return number;
    }

    bool flag(const YAML::Node& node, std::string_view key) {
        auto value = text(node, key);
        if (value == "true" || value == "yes") return true;
        if (value == "false" || value == "no") return false;
        if (value) diagnostics_.error(spot_of(node), fmt::format("`{}` is true or false", key));
        return false;
    }

    std::optional<TracePattern> read_pattern(const YAML::Node& node) {
        if (!node.IsMap() || node.size() == 0) {
            diagnostics_.error(spot_of(node),
                               node.IsMap() ? std::string("an event pattern needs at least one field")
                                            : fmt::format("an event pattern is a map of fields, not {}", type_name(node)),
                               "like {protocol: ICMP, type: echo-request, ttl: 63}");
            return std::nullopt;
        }
        TracePattern pattern;
        pattern.where = spot_of(node);
        for (const auto& entry : node) {
            Condition condition;
            condition.key = entry.first.Scalar();
            condition.where = spot_of(entry.first);
            condition.value_where = spot_of(entry.second, condition.where);
            if (entry.second.IsScalar()) {
                condition.values.push_back(entry.second.Scalar());
            } else if (entry.second.IsSequence()) {
                condition.is_list = true;
                for (const auto& item : entry.second) {
                    if (auto value = text(item, condition.key)) condition.values.push_back(*value);
                }
            } else {
                diagnostics_.error(spot_of(entry.second),
                                   fmt::format("`{}` in a pattern is a value or a list of values", condition.key));
                continue;
            }
            pattern.conditions.push_back(std::move(condition));
        }
        // Refused now rather than run to fail with "no such event" (a misspelt field, ICNP).
        for (auto& problem : pattern.problems()) diagnostics_.error(problem.where, problem.message, problem.hint);
        return pattern;
    }

    void read_step(const YAML::Node& node, Scenario& scenario) {
        if (!node.IsMap()) {
            diagnostics_.error(spot_of(node), fmt::format("a step is a map, not {}", type_name(node)),
                               "like `- exec: ping -c1 10.0.1.1` with `node: h1`");
            return;
        }
        std::vector<std::string> actions;
        for (const auto& action : kActions) {
            if (node[action]) actions.push_back(action);
        }
        if (actions.size() != 1) {
            diagnostics_.error(spot_of(node),
                               actions.empty() ? "a step says what to do: exec, wait_trace, link or sleep"
                                               : fmt::format("a step does one thing, not {} and {}", actions[0], actions[1]),
                               "one of `exec:`, `wait_trace:`, `link:` or `sleep:` per step");
            return;
        }
        Step step;
        step.where = spot_of(node);
        const auto& action = actions.front();
        if (action == "exec") {
            check_keys(node, kExecKeys, "exec step key");
            ExecStep exec;
            exec.command = text(node["exec"], "exec").value_or("");
            if (!node["node"]) {
                diagnostics_.error(spot_of(node), "an exec step needs `node:`", "say which node runs the command");
            } else {
                exec.node = text(node["node"], "node").value_or("");
                exec.node_where = spot_of(node["node"]);
            }
            if (node["expect_exit"]) {
                auto value = text(node["expect_exit"], "expect_exit").value_or("0");
                auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), exec.expect_exit);
                if (error != std::errc() || end != value.data() + value.size() || exec.expect_exit < 0 ||
                    exec.expect_exit > 255) {
                    diagnostics_.error(spot_of(node["expect_exit"]), "`expect_exit` is an exit status, 0 to 255");
                }
            }
            if (auto output = node["expect_output"]) {
                if (output.IsSequence()) {
                    for (const auto& item : output) {
                        if (auto value = text(item, "expect_output")) exec.expect_output.push_back(*value);
                    }
                } else if (auto value = text(output, "expect_output")) {
                    exec.expect_output.push_back(*value);
                }
            }
            if (node["timeout"]) exec.timeout = seconds(node["timeout"], "timeout");
            if (node["retry"]) exec.retry = seconds(node["retry"], "retry");
            if (node["background"]) exec.background = flag(node["background"], "background");
            step.name = fmt::format("{}: {}", exec.node, exec.command);
            step.action = std::move(exec);
        } else if (action == "wait_trace") {
            check_keys(node, kWaitKeys, "wait_trace step key");
            WaitTraceStep wait;
            if (auto pattern = read_pattern(node["wait_trace"])) wait.pattern = std::move(*pattern);
            if (node["timeout"]) wait.timeout = seconds(node["timeout"], "timeout");
            step.name = "wait for " + wait.pattern.describe();
            step.action = std::move(wait);
        } else if (action == "link") {
            check_keys(node, kLinkKeys, "link step key");
            LinkStep link;
            link.endpoint = text(node["link"], "link").value_or("");
            link.endpoint_where = spot_of(node["link"]);
            if (link.endpoint.find(':') == std::string::npos) {
                diagnostics_.error(spot_of(node["link"]), fmt::format("`link: {}` names no interface", link.endpoint),
                                   "write the node and its interface, like h1:eth0");
            }
            auto state = node["state"] ? text(node["state"], "state").value_or("") : std::string();
            if (state != "up" && state != "down") {
                diagnostics_.error(spot_of(node["state"] ? node["state"] : node), "a link step needs `state: down` or `state: up`");
            }
            link.up = state == "up";
            step.name = fmt::format("link {} {}", link.endpoint, state);
            step.action = std::move(link);
        } else {
            check_keys(node, kSleepKeys, "sleep step key");
            SleepStep sleep{seconds(node["sleep"], "sleep")};
            step.name = fmt::format("sleep {} s", sleep.seconds);
            step.action = sleep;
        }
        if (node["name"]) step.name = text(node["name"], "name").value_or(step.name);
        scenario.steps.push_back(std::move(step));
    }

    Diagnostics& diagnostics_;
};

}  // namespace

ScenarioResult load_scenario(std::string_view yaml_text, const std::string& file_name) {
    Diagnostics diagnostics;
    if (yaml_text.size() > kMaxScenarioBytes) {
        diagnostics.error({}, "the scenario is larger than " + util::size_text(kMaxScenarioBytes));
        return tl::unexpected(std::move(diagnostics));
    }
    auto root = topology::parse_yaml_document(yaml_text, "scenario", diagnostics);
    if (!root) return tl::unexpected(std::move(diagnostics));
    Scenario scenario;
    try {
        scenario = Reader(diagnostics).read(*root);
    } catch (const YAML::Exception& error) {
        // The reader checks each node before it reads it; this is the net under that.
        diagnostics.error(topology::spot_of(error.mark), "cannot read this: " + error.msg);
    }
    if (diagnostics.has_errors()) return tl::unexpected(std::move(diagnostics));
    scenario.source_file = file_name;
    if (scenario.topology && scenario.topology->is_relative()) {
        scenario.topology = std::filesystem::path(file_name).parent_path() / *scenario.topology;
    }
    return scenario;
}

ScenarioResult load_scenario_file(const std::filesystem::path& path) {
    auto text = util::read_regular_file(path, kMaxScenarioBytes);
    if (!text) {
        Diagnostics diagnostics;
        diagnostics.error({}, "this " + text.error(),
                          "a scenario is one YAML file of at most " + util::size_text(kMaxScenarioBytes));
        return tl::unexpected(std::move(diagnostics));
    }
    return load_scenario(*text, path.string());
}

}  // namespace emu::scenario
