#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emud/topology/model.hpp"

namespace emu::topology {

/// One problem found in a topology: what, where, and how to fix it.
struct Diagnostic {
    SourceSpot where;
    std::string message;
    std::string hint;  ///< how to fix it; may be empty
};

/// Collects every problem of a file so that the user sees them all at once.
class Diagnostics {
public:
    void error(SourceSpot where, std::string message, std::string hint = {});
    bool empty() const { return list_.empty(); }
    std::size_t size() const { return list_.size(); }
    /// The problems ordered by place in the file.
    std::vector<Diagnostic> sorted() const;

private:
    std::vector<Diagnostic> list_;
};

/// "file:line:column: error: message" and, when there is one, an indented hint line.
std::string format(const Diagnostic& diagnostic, std::string_view file_name);

/// Every diagnostic formatted, one after another.
std::string format_all(const std::vector<Diagnostic>& diagnostics, std::string_view file_name);

/// The candidate closest to `word` by edit distance, when it is close enough to be a typo.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// "did you mean 'x'?" when there is a close candidate, else the list of what is allowed.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates, std::string_view what);

}  // namespace emu::topology
