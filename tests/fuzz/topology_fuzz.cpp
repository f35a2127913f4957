// libFuzzer: any bytes as a topology file. The loader must answer with a lab or with
// diagnostics — never crash, hang or read out of bounds — and a lab it accepts must be
// complete: every link end names a node, every interface a kernel name.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "emud/topology/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto lab = emu::topology::load_topology(text, {"fuzz.yaml", {}});
    if (!lab) {
        for (const auto& diagnostic : lab.error().sorted()) {
            if (diagnostic.message.empty()) std::abort();
        }
        return 0;
    }
    for (const auto& link : lab->links) {
        if (lab->find_node(link.a.node) == nullptr || lab->find_node(link.b.node) == nullptr) std::abort();
        if (link.a.interface.empty() || link.b.interface.empty()) std::abort();
    }
    for (const auto& node : lab->nodes) {
        for (const auto& interface : node.interfaces) {
            if (interface.kernel_name.empty() || interface.kernel_name.size() > 15) std::abort();
        }
    }
    return 0;
}
