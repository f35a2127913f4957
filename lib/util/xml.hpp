#pragma once

#include <string>
#include <string_view>

namespace emu::util {

/// Text made safe for XML 1.0 content and attribute values: the five predefined entities,
/// and control characters (which XML cannot hold at all) other than tab and newlines as '?'.
std::string xml_escape(std::string_view text);

}  // namespace emu::util
