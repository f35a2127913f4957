#pragma once

#include <optional>
#include <string_view>

#include "emud/topology/diagnostics.hpp"

namespace emu::topology {

/// Why `text` is not the UTF-8 text that a YAML file of emu's must be, at the first place
/// that shows it: a file in UTF-16 or UTF-32 (named as such), a NUL byte, or bytes that are not
/// UTF-8 (RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF). nullopt when
/// the text is fine. `what` names the file's kind in messages ("topology", "scenario").
std::optional<Diagnostic> check_text_encoding(std::string_view text, std::string_view what);

}  // namespace emu::topology
