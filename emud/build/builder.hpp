#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

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

/// A failure made on purpose, for the tests of rollback, crash recovery and cancelling:
/// from EMU_FAULT=PHASE:N (fail at the N-th object of PHASE, counted from 0),
/// EMU_FAULT=PHASE:N:kill (emud SIGKILLs itself there instead) or EMU_FAULT=PHASE:N:pause
/// (the build waits there until it is cancelled, so that a test can cancel it mid-way).
/// Besides the build's phases there is `process` (after the N-th process `up` starts;
/// kill only).
struct FaultPoint {
    enum class Action { fail, kill, pause };
    std::string phase;  ///< "netns", "etc", "bridge", "veth", "configure", "process"
    std::size_t at = 0;
    Action action = Action::fail;

    static std::optional<FaultPoint> from_environment();
    /// At the `index`-th object of `phase`: fails, kills emud, or waits for `cancel` (at
    /// most a minute), when this is the point.
    void check(std::string_view phase, std::size_t index, const std::atomic<bool>* cancel = nullptr) const;
};

/// Thrown by build_lab() when it was asked to stop (`emu down` of a lab being built).
class BuildCancelled : public std::runtime_error {
public:
    BuildCancelled() : std::runtime_error("cancelled by `emu down`") {}
};

/// Makes every object of `plan`, writing each into `journal` before making it. Throws on the
/// first failure with a message that names the object and its topology line; what was made
/// stays for the caller to remove with tear_down(), which reads the same journal. When
/// `cancel` is set (by another thread), it throws BuildCancelled at the next object.
void build_lab(const LabPlan& plan, Journal& journal, const ProgressSink& progress,
               const std::optional<FaultPoint>& fault = std::nullopt, const std::atomic<bool>* cancel = nullptr);

}  // namespace emu::build
