// libFuzzer: any bytes as a shape specification (`emu up --topo …`). A shape that is
// generated must load as a valid lab.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "emud/topology/loader.hpp"
#include "emud/topology/shapes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view spec(reinterpret_cast<const char*>(data), size);
    auto yaml = emu::topology::generate_shape(spec);
    if (!yaml) return 0;
    if (!emu::topology::load_topology(*yaml, {"shape.yaml", {}})) std::abort();
    return 0;
}
