#include "emud/topology/diagnostics.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace emu::topology {

void Diagnostics::error(SourceSpot where, std::string message, std::string hint) {
    add(Diagnostic{where, std::move(message), std::move(hint), Severity::error});
}

void Diagnostics::warning(SourceSpot where, std::string message, std::string hint) {
    add(Diagnostic{where, std::move(message), std::move(hint), Severity::warning});
}

void Diagnostics::add(Diagnostic diagnostic) {
    ++(diagnostic.severity == Severity::error ? errors_ : warnings_);
    list_.push_back(std::move(diagnostic));
    if (list_.size() >= 2 * kMaxShownDiagnostics) trim();
}

namespace {

bool earlier(const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
}

}  // namespace

void Diagnostics::trim() {
    // Stable: of two problems at one place, the one found first stays first.
    std::stable_sort(list_.begin(), list_.end(), earlier);
    if (list_.size() > kMaxShownDiagnostics) list_.resize(kMaxShownDiagnostics);
}

std::vector<Diagnostic> Diagnostics::sorted() const {
    auto result = list_;
    std::stable_sort(result.begin(), result.end(), earlier);
    if (result.size() > kMaxShownDiagnostics) result.resize(kMaxShownDiagnostics);
    return result;
}

std::size_t Diagnostics::not_shown() const {
    return errors_ + warnings_ - std::min(list_.size(), kMaxShownDiagnostics);
}

std::string format(const Diagnostic& diagnostic, std::string_view file_name) {
    std::string out(file_name.empty() ? "<topology>" : file_name);
    if (diagnostic.where.line > 0) {
        out += ":" + std::to_string(diagnostic.where.line) + ":" + std::to_string(diagnostic.where.column);
    }
    out += (diagnostic.severity == Severity::error ? ": error: " : ": warning: ") + diagnostic.message + "\n";
    if (!diagnostic.hint.empty()) out += "    hint: " + diagnostic.hint + "\n";
    return out;
}

std::vector<std::string> format_each(const Diagnostics& diagnostics, std::string_view file_name) {
    std::vector<std::string> lines;
    for (const auto& diagnostic : diagnostics.sorted()) lines.push_back(format(diagnostic, file_name));
    if (auto more = diagnostics.not_shown(); more > 0) {
        lines.push_back(std::string(file_name.empty() ? "<topology>" : file_name) + ": and " + std::to_string(more) +
                        " more\n");
    }
    return lines;
}

std::string format_all(const Diagnostics& diagnostics, std::string_view file_name) {
    std::string out;
    for (const auto& line : format_each(diagnostics, file_name)) out += line;
    return out;
}

std::string count_text(const Diagnostics& diagnostics) {
    auto counted = [](std::size_t count, std::string_view what) {
        return std::to_string(count) + " " + std::string(what) + (count == 1 ? "" : "s");
    };
    std::string text;
    if (diagnostics.has_errors()) text = counted(diagnostics.error_count(), "problem");
    if (diagnostics.warning_count() > 0) {
        text += (text.empty() ? "" : " and ") + counted(diagnostics.warning_count(), "warning");
    }
    return text;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
    std::iota(previous.begin(), previous.end(), 0);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

}  // namespace

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = std::max<std::size_t>(1, std::min<std::size_t>(3, word.size() / 3 + 1));
    for (const auto& candidate : candidates) {
        auto distance = edit_distance(word, candidate);
        if (distance <= best_distance && (!best || distance < edit_distance(word, *best))) best = candidate;
    }
    return best;
}

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates, std::string_view what) {
    if (auto close = closest_match(word, candidates)) return "did you mean '" + *close + "'?";
    if (candidates.empty()) return "";
    std::string list;
    for (const auto& candidate : candidates) list += (list.empty() ? "" : ", ") + candidate;
    return std::string(what) + ": " + list;
}

}  // namespace emu::topology
