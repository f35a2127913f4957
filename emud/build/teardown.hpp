#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "emud/build/journal.hpp"
#include "emud/build/plan.hpp"

namespace emu::build {

struct TeardownReport {
    std::size_t processes_killed = 0;
    std::size_t namespaces_removed = 0;
    std::size_t directories_removed = 0;
};

/// Removes exactly what a journal lists, in the order that frees everything: every process
/// in the lab's namespaces (also ones a user started there), then the namespaces (the
/// kernel drops their veths and bridges with them), then the /etc/netns directories.
/// Idempotent: what is already gone is skipped. Paths outside `paths`, or not named like a
/// namespace of `journal.lab`, are refused rather than removed.
TeardownReport tear_down(const JournalContents& journal, const PlanPaths& paths,
                         std::chrono::milliseconds kill_deadline = std::chrono::seconds(10));

}  // namespace emu::build
