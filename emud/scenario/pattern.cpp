#include "emud/scenario/pattern.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace emu::scenario {
namespace {

using nlohmann::json;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// A field's value as pattern text: strings as they are, numbers and booleans as YAML writes them.
std::string as_text(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool value_matches(const Condition& condition, const json& field) {
    if (field.is_array()) {
        std::set<std::string> have;
        for (const auto& item : field) have.insert(lower(as_text(item)));
        std::set<std::string> want;
        for (const auto& value : condition.values) want.insert(lower(value));
        if (condition.is_list) return have == want;
        return have.count(want.empty() ? std::string() : *want.begin()) != 0;
    }
    if (condition.is_list || condition.values.size() != 1) return false;
    // Protocol words are written in any case (echo-request, SYN); addresses and numbers have one form.
    return lower(as_text(field)) == lower(condition.values.front());
}

const json* find_field(const trace::TraceEvent& event, const std::string& protocol, const std::string& key) {
    if (!protocol.empty()) {
        for (const auto& layer : event.layers) {
            if (lower(layer.protocol) == protocol && layer.fields.contains(key)) return &layer.fields.at(key);
        }
    }
    for (auto layer = event.layers.rbegin(); layer != event.layers.rend(); ++layer) {
        if (layer->fields.contains(key)) return &layer->fields.at(key);
    }
    return nullptr;
}

}  // namespace

bool TracePattern::matches(const trace::TraceEvent& event) const {
    std::string protocol;
    for (const auto& condition : conditions) {
        if (condition.key == "protocol" && !condition.values.empty()) protocol = lower(condition.values.front());
    }
    for (const auto& condition : conditions) {
        const auto& key = condition.key;
        if (condition.values.empty()) return false;
        const auto& value = condition.values.front();
        if (key == "protocol") {
            if (std::none_of(event.layers.begin(), event.layers.end(),
                             [&](const trace::Layer& layer) { return lower(layer.protocol) == protocol; })) {
                return false;
            }
        } else if (key == "segment" || key == "link" || key == "from" || key == "to") {
            const auto& have = key == "segment" ? event.segment : key == "link" ? event.link
                               : key == "from"  ? event.from    : event.to;
            if (have != value) return false;
        } else if (key == "summary") {
            if (std::none_of(event.layers.begin(), event.layers.end(), [&](const trace::Layer& layer) {
                    return layer.summary.find(value) != std::string::npos;
                })) {
                return false;
            }
        } else {
            const json* field = find_field(event, protocol, key);
            if (field == nullptr || !value_matches(condition, *field)) return false;
        }
    }
    return true;
}

std::string TracePattern::describe() const {
    std::string text;
    for (const auto& condition : conditions) {
        if (!text.empty()) text += ' ';
        if (condition.key == "protocol") {
            text += condition.values.empty() ? "" : condition.values.front();
            continue;
        }
        text += condition.key + "=";
        if (condition.is_list) text += '[';
        for (std::size_t i = 0; i < condition.values.size(); ++i) text += (i ? "," : "") + condition.values[i];
        if (condition.is_list) text += ']';
    }
    return text;
}

void match_in_order(const std::vector<TracePattern>& patterns, const std::vector<trace::TraceEvent>& events,
                    OrderedMatch& state) {
    for (const auto& event : events) {
        if (state.matched.size() == patterns.size()) break;
        if (event.number <= state.searched_after) continue;
        if (patterns[state.matched.size()].matches(event)) state.matched.push_back(event.number);
        state.searched_after = event.number;
    }
    if (state.matched.size() < patterns.size()) {
        state.missing = state.matched.size();
    } else {
        state.missing.reset();
    }
}

}  // namespace emu::scenario
