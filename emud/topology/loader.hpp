#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"
#include "emud/topology/sysctl_catalog.hpp"

namespace emu::topology {

/// Topology files larger than this are refused before parsing.
inline constexpr std::size_t kMaxTopologyBytes = 16 * 1024 * 1024;

struct LoadOptions {
    std::string file_name;                 ///< for messages and the model's source_file
    std::optional<std::string> lab_name;  ///< replaces the file's `name:` (emu up --name)
    /// What the nodes' `sysctls` are checked against; the running kernel's when null.
    const SysctlCatalog* sysctls = nullptr;
};

using LoadResult = tl::expected<Lab, Diagnostics>;

/// Parses and validates a topology. Either a complete lab, or every problem found, each
/// with line and column; never a half-checked model.
LoadResult load_topology(std::string_view yaml_text, const LoadOptions& options);

/// Reads a topology file: a regular file of at most kMaxTopologyBytes, refused before it is
/// read otherwise (a directory, /dev/zero, a FIFO). The one diagnostic says why not.
tl::expected<std::string, Diagnostic> read_topology_file(const std::filesystem::path& path);

/// Reads `path` as read_topology_file() does and loads it.
LoadResult load_topology_file(const std::filesystem::path& path, std::optional<std::string> lab_name = {});

}  // namespace emu::topology
