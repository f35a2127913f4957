#include "emud/topology/yaml_document.hpp"

#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <string>

#include "emud/topology/text_encoding.hpp"

namespace emu::topology {
namespace {

class AliasFinder : public YAML::EventHandler {
public:
    std::optional<SourceSpot> first_alias;
    std::size_t documents = 0;
    SourceSpot second_document;

    void OnDocumentStart(const YAML::Mark& mark) override {
        if (++documents == 2) second_document = spot_of(mark);
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
        if (!first_alias) first_alias = spot_of(mark);
    }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

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
    AliasFinder aliases;
    try {
        std::istringstream stream(copy);
        YAML::Parser parser(stream);
        // Two documents are enough to refuse the file; yaml-cpp 0.7 can also report empty
        // documents without end on some malformed input (found by tests/fuzz).
        while (aliases.documents < 2 && parser.HandleNextDocument(aliases)) {
        }
        if (aliases.first_alias) {
            diagnostics.error(*aliases.first_alias, "YAML aliases (*name) are not supported in " + std::string(what) + " files",
                              "write the value out where it is used");
            return std::nullopt;
        }
        if (aliases.documents > 1) {
            diagnostics.error(aliases.second_document, "the file goes on after its first YAML document",
                              "a " + std::string(what) + " is one document: remove `---` separators and stray text such as an "
                              "unmatched bracket");
            return std::nullopt;
        }
        return YAML::Load(copy);
    } catch (const YAML::Exception& error) {
        diagnostics.error(spot_of(error.mark), "this is not valid YAML: " + error.msg,
                          "check the indentation and the `:` after each key around this line");
        return std::nullopt;
    }
}

}  // namespace emu::topology
