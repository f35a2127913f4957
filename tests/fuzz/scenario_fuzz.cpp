// libFuzzer: any bytes as a scenario file. Loading either fails with diagnostics that have
// places and messages, or gives a scenario whose patterns describe themselves and which,
// checked against a lab's names, gives problems that have places and messages.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "emud/scenario/lab_check.hpp"
#include "emud/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto loaded = emu::scenario::load_scenario(text, "fuzz/scenario.yaml");
    if (!loaded) {
        if (!loaded.error().has_errors()) std::abort();
        for (const auto& diagnostic : loaded.error().sorted()) {
            if (diagnostic.message.empty()) std::abort();
        }
        return 0;
    }
    if (loaded->name.empty()) std::abort();
    for (const auto& pattern : loaded->expect_trace) (void)pattern.describe();
    // The lab of tests/data/bad_scenarios/topology/two-lans.yaml, by name.
    static const emu::scenario::LabNames lab{"twolans",
                                             {"r1", "h1", "h2", "h3"},
                                             {"lan1", "lan2"},
                                             {"h1:eth0--lan1:p1", "r1:eth0--lan1:p2", "r1:eth1--lan2:p1",
                                              "h2:eth0--lan2:p2", "r1-h3"},
                                             {"h1:eth0", "lan1:p1", "r1:eth0", "lan1:p2", "r1:eth1", "lan2:p1",
                                              "h2:eth0", "lan2:p2", "r1:eth2", "h3:eth0"}};
    for (const auto& problem : emu::scenario::check_against_lab(*loaded, lab)) {
        if (problem.message.empty() || problem.where.line <= 0) std::abort();
    }
    return 0;
}
