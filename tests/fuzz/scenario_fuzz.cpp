// libFuzzer: any bytes as a scenario file. Loading either fails with diagnostics that have
// places and messages, or gives a scenario whose patterns describe themselves.
#include <cstdint>
#include <cstdlib>
#include <string_view>

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
    return 0;
}
