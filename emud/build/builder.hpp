#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "emud/build/journal.hpp"
#include "emud/build/plan.hpp"

namespace emu::build {

/// How far a build is, for the progress line of `emu up`.
struct BuildProgress {
    std::string phase;  ///< "namespaces", "files", "bridges", "links", "addresses"
    std::size_t done = 0;
    std::size_t total = 0;
};
using ProgressSink = std::function<void(const BuildProgress&)>;

/// A failure made on purpose, for the tests of rollback and crash recovery: from
/// EMU_FAULT=PHASE:N (fail at the N-th object of PHASE, counted from 0) or
/// EMU_FAULT=PHASE:N:kill (emud SIGKILLs itself there instead).
struct FaultPoint {
    std::string phase;  ///< "netns", "etc", "bridge", "veth", "configure"
    std::size_t at = 0;
    bool kill = false;

    static std::optional<FaultPoint> from_environment();
};

/// Makes every object of `plan`, writing each into `journal` before making it. Throws on the
/// first failure with a message that names the object and its topology line; what was made
/// stays for the caller to remove with tear_down(), which reads the same journal.
void build_lab(const LabPlan& plan, Journal& journal, const ProgressSink& progress,
               const std::optional<FaultPoint>& fault = std::nullopt);

}  // namespace emu::build
