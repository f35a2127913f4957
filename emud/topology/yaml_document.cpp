#include "emud/topology/yaml_document.hpp"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "emud/topology/text_encoding.hpp"

namespace emu::topology {
namespace {

// Walks the document's events before yaml-cpp builds the tree: finds aliases, a second
// document and quoted values that are never closed, and keeps the open collections, so that
// a syntax error can be placed where the mistake is rather than where yaml-cpp noticed it.
class DocumentScan : public YAML::EventHandler {
public:
    explicit DocumentScan(std::string_view text) : text_(text) {}

    std::optional<SourceSpot> first_alias;
    std::size_t documents = 0;
    SourceSpot second_document;
    std::optional<SourceSpot> unclosed_quote;
    char quote = 0;  ///< the quote mark of `unclosed_quote`
    /// The flow collections (`{`, `[`) open when parsing stopped, the innermost last.
    std::vector<YAML::Mark> open_flows;

    void OnDocumentStart(const YAML::Mark& mark) override {
        if (++documents == 2) second_document = spot_of(mark);
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
        if (!first_alias) first_alias = spot_of(mark);
    }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
        if (!unclosed_quote) check_quote(mark);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value style) override {
        open(mark, style);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value style) override {
        open(mark, style);
    }
    void OnMapEnd() override { close(); }

private:
    void open(const YAML::Mark& mark, YAML::EmitterStyle::value style) {
        flow_.push_back(style == YAML::EmitterStyle::Flow);
        if (flow_.back()) open_flows.push_back(mark);
    }
    void close() {
        if (flow_.empty()) return;
        if (flow_.back()) open_flows.pop_back();
        flow_.pop_back();
    }

    // yaml-cpp 0.7 takes a quoted value that runs to the end of the file without its closing
    // quote, as though it were closed there.
    void check_quote(const YAML::Mark& mark) {
        auto at = static_cast<std::size_t>(mark.pos);
        if (mark.pos < 0 || at >= text_.size() || (text_[at] != '"' && text_[at] != '\'')) return;
        char opening = text_[at];
        for (auto i = at + 1; i < text_.size(); ++i) {
            if (opening == '"' && text_[i] == '\\') {
                ++i;
            } else if (text_[i] == opening) {
                if (opening == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
                    ++i;  // '' is a quote inside a single-quoted value
                } else {
                    return;
                }
            }
        }
        unclosed_quote = spot_of(mark);
        quote = opening;
    }

    std::string_view text_;
    std::vector<bool> flow_;  // per open collection: written in flow style
};

// True when the flow collection that opens at `at` has its closing bracket somewhere after
// it. Plain values in flow style hold no brackets; quoted ones and comments are skipped.
bool flow_closes(std::string_view text, std::size_t at) {
    int depth = 0;
    for (auto i = at; i < text.size(); ++i) {
        char c = text[i];
        if (c == '"' || c == '\'') {
            for (++i; i < text.size() && text[i] != c; ++i) {
                if (c == '"' && text[i] == '\\') ++i;
            }
        } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
            while (i < text.size() && text[i] != '\n') ++i;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return true;
        }
    }
    return false;
}

struct Line {
    std::string_view text;  // without its '\n'
    std::size_t start = 0;  // offset in the file
};

// The 0-based line `number` of `text`, when there is one.
std::optional<Line> line_of(std::string_view text, int number) {
    std::size_t start = 0;
    for (int i = 0; i < number; ++i) {
        start = text.find('\n', start);
        if (start == std::string_view::npos) return std::nullopt;
        ++start;
    }
    auto end = std::min(text.find('\n', start), text.size());
    return Line{text.substr(start, end - start), start};
}

std::size_t indentation(std::string_view line) {
    return std::min(line.find_first_not_of(" \t"), line.size());
}

bool is_blank_or_comment(std::string_view line) {
    auto first = indentation(line);
    return first == line.size() || line[first] == '#' || line[first] == '\r';
}

// Where yaml-cpp's error really is, and what it is, when its mark is only where it noticed.
// A flow collection never closed is found at the end of the file or at the next key, lines on;
// a key without its `:` is read as a value going on into the next line, which then fails.
std::optional<Diagnostic> place_syntax_error(std::string_view text, const YAML::Exception& error,
                                             const DocumentScan& scan) {
    auto error_line = line_of(text, error.mark.line);
    if (error_line) {
        auto tab = error_line->text.find('\t');
        if (tab != std::string_view::npos && tab < indentation(error_line->text)) {
            return Diagnostic{{error.mark.line + 1, static_cast<int>(tab) + 1},
                              "this is not valid YAML: a tab in the indentation",
                              "YAML indents with spaces only; replace the tab with spaces"};
        }
    }
    if ((error.msg == YAML::ErrorMsg::END_OF_MAP_FLOW || error.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW) &&
        !scan.open_flows.empty()) {
        const auto& mark = scan.open_flows.back();
        bool map = error.msg == YAML::ErrorMsg::END_OF_MAP_FLOW;
        auto bracket = text.find(map ? '{' : '[', static_cast<std::size_t>(std::max(mark.pos, 0)));
        if (mark.line < error.mark.line && bracket != std::string_view::npos && !flow_closes(text, bracket)) {
            auto where = spot_of(mark);
            where.column += static_cast<int>(bracket - static_cast<std::size_t>(std::max(mark.pos, 0)));
            return Diagnostic{
                where, std::string("this is not valid YAML: the `") + (map ? "{" : "[") + "` here is never closed",
                std::string("close it with `") + (map ? "}" : "]") + "` where the " + (map ? "map" : "list") + " ends"};
        }
    }
    if ((error.msg == YAML::ErrorMsg::MAP_VALUE || error.msg == YAML::ErrorMsg::END_OF_MAP) && error_line) {
        for (int number = error.mark.line - 1; number >= 0; --number) {
            auto previous = line_of(text, number);
            if (!previous || is_blank_or_comment(previous->text)) continue;
            auto first = indentation(previous->text);
            auto word = previous->text.substr(first);
            word = word.substr(0, std::min(word.find(" #"), word.size()));
            while (!word.empty() && (word.back() == ' ' || word.back() == '\r')) word.remove_suffix(1);
            bool bare_word = !word.empty() && word.find_first_of(":-{}[]\"'&*!|>%@`,") == std::string_view::npos;
            if (bare_word && first == indentation(error_line->text)) {
                return Diagnostic{{number + 1, static_cast<int>(first) + 1},
                                  "this is not valid YAML: `" + std::string(word) + "` has no `:` after it",
                                  "a key is followed by `:`, as in `" + std::string(word) + ": {kind: host}`"};
            }
            break;
        }
    }
    return std::nullopt;
}

}  // namespace

SourceSpot spot_of(const YAML::Node& node, SourceSpot fallback) {
    auto mark = node.Mark();
    if (mark.line < 0) return fallback;
    return SourceSpot{mark.line + 1, mark.column + 1};
}

SourceSpot spot_of(const YAML::Mark& mark) { return SourceSpot{mark.line + 1, mark.column + 1}; }

std::string_view type_name(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map: return "a map";
        case YAML::NodeType::Sequence: return "a list";
        case YAML::NodeType::Scalar: return "a single value";
        case YAML::NodeType::Null: return "empty";
        default: return "nothing";
    }
}

std::optional<YAML::Node> parse_yaml_document(std::string_view text, std::string_view what, Diagnostics& diagnostics) {
    if (auto problem = check_text_encoding(text, what)) {
        diagnostics.error(problem->where, std::move(problem->message), std::move(problem->hint));
        return std::nullopt;
    }
    std::string copy(text);
    DocumentScan scan(text);
    try {
        std::istringstream stream(copy);
        YAML::Parser parser(stream);
        // Two documents are enough to refuse the file; yaml-cpp 0.7 can also report empty
        // documents without end on some malformed input (found by tests/fuzz).
        while (scan.documents < 2 && parser.HandleNextDocument(scan)) {
        }
        if (scan.unclosed_quote) {
            diagnostics.error(*scan.unclosed_quote,
                              "this is not valid YAML: the quoted value that starts here is never closed",
                              std::string("end it with ") + scan.quote + " where the value ends");
            return std::nullopt;
        }
        if (scan.first_alias) {
            diagnostics.error(*scan.first_alias,
                              "YAML aliases (*name) are not supported in " + std::string(what) + " files",
                              "write the value out where it is used");
            return std::nullopt;
        }
        if (scan.documents > 1) {
            diagnostics.error(scan.second_document, "the file goes on after its first YAML document",
                              "a " + std::string(what) +
                                  " is one document: remove `---` separators and stray text such as an "
                                  "unmatched bracket");
            return std::nullopt;
        }
        return YAML::Load(copy);
    } catch (const YAML::Exception& error) {
        if (auto placed = place_syntax_error(text, error, scan)) {
            diagnostics.error(placed->where, std::move(placed->message), std::move(placed->hint));
        } else {
            diagnostics.error(spot_of(error.mark), "this is not valid YAML: " + error.msg,
                              "check the indentation and the `:` after each key around this line");
        }
        return std::nullopt;
    }
}

}  // namespace emu::topology
