#pragma once

#include <string>
#include <string_view>

#include "emud/topology/model.hpp"

namespace emu::topology {

/// The kernel's limit on interface names (IFNAMSIZ - 1).
inline constexpr std::size_t kMaxKernelNameLength = 15;

/// True when the kernel takes `name` as an interface name as it is (dev_valid_name():
/// 1 to 15 bytes, not "." or "..", no '/', ':' or white space).
bool is_valid_kernel_name(std::string_view name);

/// Gives every interface of every node its kernel name: the user's name when the kernel
/// takes it, else a short generated one ("if1", "if2", …) that no other interface of the
/// node uses; the user's name then lives on as the interface's alias.
void assign_kernel_names(Lab& lab);

}  // namespace emu::topology
