#include "emud/scenario/report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "lib/util/xml.hpp"

namespace emu::scenario {
namespace {

const char* outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::passed: return "passed";
        case Outcome::failed: return "failed";
        default: return "skipped";
    }
}

std::size_t count(const RunReport& report, Outcome outcome) {
    return static_cast<std::size_t>(std::count_if(report.checks.begin(), report.checks.end(),
                                                  [&](const CheckResult& check) { return check.outcome == outcome; }));
}

}  // namespace

bool RunReport::passed() const {
    return !checks.empty() && count(*this, Outcome::failed) == 0 && count(*this, Outcome::skipped) == 0;
}

std::string report_table(const RunReport& report) {
    std::size_t width = 4;
    for (const auto& check : report.checks) width = std::max(width, check.name.size());
    width = std::min<std::size_t>(width, 70);
    std::string out = fmt::format("scenario {} on lab {}\n\n", report.scenario, report.lab);
    out += fmt::format("  {:<7}  {:<{}}  {:>8}\n", "RESULT", "CHECK", width, "SECONDS");
    for (const auto& check : report.checks) {
        auto name = check.name.size() > width ? check.name.substr(0, width - 1) + "…" : check.name;
        out += fmt::format("  {:<7}  {:<{}}  {:>8.3f}\n", outcome_name(check.outcome), name, width, check.seconds);
        if (check.outcome == Outcome::failed && !check.message.empty()) out += "           " + check.message + "\n";
    }
    if (!report.trace_context.empty()) {
        out += "\n  the trace around it:\n";
        for (const auto& line : report.trace_context) out += line + "\n";
    }
    if (!report.capture_losses.empty()) {
        out += "\n  the capture lost frames during the run:\n";
        for (const auto& loss : report.capture_losses) out += "    " + loss + "\n";
    }
    if (!report.pcapng_kept.empty()) {
        out += fmt::format("\n  {} kept in {}\n", report.capture_losses.empty() ? "every frame is" : "the frames are",
                           report.pcapng_kept);
    }
    out += fmt::format("\n{}: {} passed, {} failed, {} skipped in {:.3f} s\n", report.passed() ? "PASSED" : "FAILED",
                       count(report, Outcome::passed), count(report, Outcome::failed), count(report, Outcome::skipped),
                       report.seconds);
    return out;
}

nlohmann::json report_json(const RunReport& report) {
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& check : report.checks) {
        checks.push_back({{"kind", check.kind},
                          {"name", check.name},
                          {"outcome", outcome_name(check.outcome)},
                          {"seconds", check.seconds},
                          {"message", check.message},
                          {"output", check.output}});
    }
    return {{"scenario", report.scenario}, {"file", report.file},       {"lab", report.lab},
            {"passed", report.passed()},   {"seconds", report.seconds}, {"checks", std::move(checks)},
            {"trace_context", report.trace_context}, {"pcapng", report.pcapng_kept},
            {"capture_losses", report.capture_losses}, {"frames_unseen", report.frames_unseen}};
}

std::string report_junit(const RunReport& report) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n", report.checks.size(),
                       count(report, Outcome::failed), count(report, Outcome::skipped), report.seconds);
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n",
                       util::xml_escape(report.scenario), report.checks.size(), count(report, Outcome::failed),
                       count(report, Outcome::skipped), report.seconds);
    for (const auto& check : report.checks) {
        out += fmt::format("    <testcase classname=\"{}.{}\" name=\"{}\" time=\"{:.3f}\"", util::xml_escape(report.scenario),
                           check.kind, util::xml_escape(check.name), check.seconds);
        if (check.outcome == Outcome::passed && check.output.empty()) {
            out += "/>\n";
            continue;
        }
        out += ">\n";
        if (check.outcome == Outcome::failed) {
            std::string details = check.message;
            for (const auto& line : report.trace_context) details += "\n" + line;
            for (const auto& loss : report.capture_losses) details += "\ncapture: " + loss;
            out += fmt::format("      <failure message=\"{}\">{}</failure>\n", util::xml_escape(check.message),
                               util::xml_escape(details));
        } else if (check.outcome == Outcome::skipped) {
            out += "      <skipped/>\n";
        }
        if (!check.output.empty()) out += fmt::format("      <system-out>{}</system-out>\n", util::xml_escape(check.output));
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

}  // namespace emu::scenario
