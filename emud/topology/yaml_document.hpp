#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string_view>

#include "emud/topology/diagnostics.hpp"

namespace emu::topology {

/// Where a YAML node was written, 1-based; `fallback` when yaml-cpp has no mark for it.
SourceSpot spot_of(const YAML::Node& node, SourceSpot fallback = {});
SourceSpot spot_of(const YAML::Mark& mark);

/// "a map", "a list", "a single value", "empty": for messages about the wrong shape.
std::string_view type_name(const YAML::Node& node);

/// Parses a file that must be UTF-8 text (check_text_encoding) and one YAML document without aliases (an alias would
/// let a small file expand into a huge tree, and hides where a value was written). `what` names the file's kind in
/// messages ("topology", "scenario"). nullopt after recording the problem.
std::optional<YAML::Node> parse_yaml_document(std::string_view text, std::string_view what, Diagnostics& diagnostics);

}  // namespace emu::topology
