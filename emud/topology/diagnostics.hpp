#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emud/topology/source_spot.hpp"

namespace emu::topology {

/// An error refuses the file; a warning is printed and the lab still comes up.
enum class Severity { error, warning };

/// One problem found in a topology: what, where, and how to fix it.
struct Diagnostic {
    SourceSpot where;
    std::string message;
    std::string hint;  ///< how to fix it; may be empty
    Severity severity = Severity::error;
};

/// A file's problems beyond this many are counted, not kept: a generated file with a mistake
/// in every node would otherwise print megabytes that nobody reads.
inline constexpr std::size_t kMaxShownDiagnostics = 50;

/// Collects the problems of a file, so that the user sees them all at once (up to
/// kMaxShownDiagnostics of them, the first in the file, and how many more there are).
class Diagnostics {
public:
    void error(SourceSpot where, std::string message, std::string hint = {});
    void warning(SourceSpot where, std::string message, std::string hint = {});
    void add(Diagnostic diagnostic);
    /// True when an error was found: the file is refused.
    bool has_errors() const { return errors_ > 0; }
    /// How many errors and warnings were found, shown or not.
    std::size_t error_count() const { return errors_; }
    std::size_t warning_count() const { return warnings_; }
    /// The problems kept, ordered by place in the file: the first kMaxShownDiagnostics.
    std::vector<Diagnostic> sorted() const;
    /// How many problems sorted() leaves out.
    std::size_t not_shown() const;

private:
    // Keeps the first kMaxShownDiagnostics by place, in the order found where places are equal.
    void trim();

    std::vector<Diagnostic> list_;
    std::size_t errors_ = 0;
    std::size_t warnings_ = 0;
};

/// "file:line:column: error: message" (or "warning:") and, when there is one, an indented hint line.
std::string format(const Diagnostic& diagnostic, std::string_view file_name);

/// Each diagnostic shown, formatted, then "file: and N more" for the rest: what is printed.
std::vector<std::string> format_each(const Diagnostics& diagnostics, std::string_view file_name);

/// format_each() in one text.
std::string format_all(const Diagnostics& diagnostics, std::string_view file_name);

/// "3 problems", "1 problem and 2 warnings", "1 warning": what was found, for the line under them.
std::string count_text(const Diagnostics& diagnostics);

/// The candidate closest to `word` by edit distance, when it is close enough to be a typo.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// "did you mean 'x'?" when there is a close candidate, else the list of what is allowed.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates, std::string_view what);

}  // namespace emu::topology
