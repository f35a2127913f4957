#include "emud/topology/kernel_names.hpp"

#include <set>

namespace emu::topology {

bool is_valid_kernel_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxKernelNameLength || name == "." || name == "..") return false;
    for (char c : name) {
        if (c == '/' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
            c == '\0') {
            return false;
        }
    }
    return true;
}

void assign_kernel_names(Lab& lab) {
    for (auto& node : lab.nodes) {
        std::set<std::string> taken;
        for (const auto& interface : node.interfaces) {
            if (is_valid_kernel_name(interface.name)) taken.insert(interface.name);
        }
        int next = 1;
        for (auto& interface : node.interfaces) {
            if (is_valid_kernel_name(interface.name)) {
                interface.kernel_name = interface.name;
                continue;
            }
            std::string generated;
            do {
                generated = "if" + std::to_string(next++);
            } while (taken.count(generated) != 0);
            taken.insert(generated);
            interface.kernel_name = generated;
        }
    }
}

}  // namespace emu::topology
