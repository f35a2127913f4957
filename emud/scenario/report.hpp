#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace emu::scenario {

enum class Outcome { passed, failed, skipped };

/// How one step, or one expected trace event, went.
struct CheckResult {
    std::string kind;  ///< "step" or "expect_trace"
    std::string name;
    Outcome outcome = Outcome::skipped;
    double seconds = 0;
    std::string message;  ///< why it failed; for a matched event, which frame
    std::string output;   ///< what a command printed
    bool decided_by_trace = false;  ///< a frame the capture lost could have changed its outcome
};

struct RunReport {
    std::string scenario;
    std::string file;
    std::string lab;
    std::vector<CheckResult> checks;
    double seconds = 0;
    std::vector<std::string> trace_context;  ///< timeline lines around a failure
    std::string pcapng_kept;                 ///< where the frames were kept after a failure
    /// What the capture lost during the run, a sentence each (empty: nothing).
    std::vector<std::string> capture_losses;
    /// Frames of the run that no check could see (dropped by the kernel, or gone from the
    /// trace's ring before they were read).
    std::uint64_t frames_unseen = 0;

    bool passed() const;
};

/// A table for the terminal: one line per check with its outcome and time, then the verdict.
std::string report_table(const RunReport& report);
nlohmann::json report_json(const RunReport& report);
/// JUnit XML as CI systems read it: one <testsuite> per scenario, one <testcase> per check.
std::string report_junit(const RunReport& report);

}  // namespace emu::scenario
