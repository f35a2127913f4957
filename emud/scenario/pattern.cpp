#include "emud/scenario/pattern.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "emud/trace/layer_fields.hpp"

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

const trace::LayerDescription* layer_named(const std::string& protocol) {
    for (const auto& layer : trace::kLayers) {
        if (lower(std::string(layer.protocol)) == lower(protocol)) return &layer;
    }
    return nullptr;
}

bool carries(const trace::LayerDescription& upper, const trace::LayerDescription& lower_layer) {
    for (const auto& carrier : upper.carried_in->layers) {
        if (carrier.empty()) continue;
        if (carrier == lower_layer.protocol) return true;
        if (const auto* next = layer_named(std::string(carrier)); next != nullptr && carries(*next, lower_layer)) {
            return true;
        }
    }
    return false;
}

// The layers a frame with a layer of `protocol` can also have: those that carry it, those
// it carries, and one that did not parse after any of them.
std::vector<const trace::LayerDescription*> layers_with(const trace::LayerDescription& protocol) {
    std::vector<const trace::LayerDescription*> layers;
    for (const auto& layer : trace::kLayers) {
        if (&layer == &protocol || protocol.carried_in->after_any || layer.carried_in->after_any ||
            carries(protocol, layer) || carries(layer, protocol)) {
            layers.push_back(&layer);
        }
    }
    return layers;
}

std::string listed(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
    return text;
}

std::vector<std::string> protocol_names() {
    std::vector<std::string> names;
    for (const auto& layer : trace::kLayers) names.emplace_back(layer.protocol);
    return names;
}

// The name closest to `word` in any case, as the trace writes it.
std::optional<std::string> closest_any_case(const std::string& word, const std::vector<std::string>& names) {
    std::vector<std::string> lowered;
    for (const auto& name : names) lowered.push_back(lower(name));
    auto close = topology::closest_match(lower(word), lowered);
    if (!close) return std::nullopt;
    return names[static_cast<std::size_t>(std::find(lowered.begin(), lowered.end(), *close) - lowered.begin())];
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

std::vector<topology::Diagnostic> TracePattern::problems() const {
    std::vector<topology::Diagnostic> found;
    const trace::LayerDescription* protocol = nullptr;
    for (const auto& condition : conditions) {
        const auto& key = condition.key;
        const bool event_key = std::find(kEventKeys.begin(), kEventKeys.end(), key) != kEventKeys.end();
        if (condition.is_list && condition.values.empty()) {
            found.push_back({condition.value_where, fmt::format("`{}: []` matches no event", key),
                             "list the values the field holds, like `flags: [SYN, ACK]`"});
        } else if (condition.is_list && event_key) {
            found.push_back({condition.value_where, fmt::format("`{}` is one value, not a list", key),
                             "write one pattern per value"});
        } else if (key == "protocol") {
            const auto& name = condition.values.front();
            protocol = layer_named(name);
            if (protocol == nullptr) {
                auto names = protocol_names();
                auto close = closest_any_case(name, names);
                found.push_back({condition.value_where, fmt::format("unknown protocol '{}'", name),
                                 close ? "did you mean '" + *close + "'?" : "the trace's protocols: " + listed(names)});
            }
        }
    }
    // Every layer when the protocol is not named (or not known): a field is looked up in all.
    std::vector<const trace::LayerDescription*> layers;
    if (protocol != nullptr) {
        layers = layers_with(*protocol);
    } else {
        for (const auto& layer : trace::kLayers) layers.push_back(&layer);
    }
    for (const auto& condition : conditions) {
        const auto& key = condition.key;
        if (std::find(kEventKeys.begin(), kEventKeys.end(), key) != kEventKeys.end()) continue;
        auto has_key = [&](const trace::LayerDescription* layer) { return layer->has(key); };
        if (std::any_of(layers.begin(), layers.end(), has_key)) continue;
        std::vector<std::string> candidates(kEventKeys.begin(), kEventKeys.end());
        for (const auto* layer : layers) {
            candidates.insert(candidates.end(), layer->fields.begin(), layer->fields.end());
        }
        auto close = topology::closest_match(key, candidates);
        auto did_you_mean = close ? "did you mean '" + *close + "'?" : std::string();
        if (protocol == nullptr) {
            found.push_back({condition.where, fmt::format("unknown field '{}'", key),
                             close ? did_you_mean : "docs/trace.md lists every protocol's fields"});
            continue;
        }
        const auto name = std::string(protocol->protocol);
        std::vector<std::string> owners;
        for (const auto& layer : trace::kLayers) {
            if (layer.has(key)) owners.emplace_back(layer.protocol);
        }
        if (!owners.empty()) {
            auto whose = owners.size() == 1 ? owners.front() + ", which is"
                                            : fmt::format("{} and {}, which are",
                                                          listed({owners.begin(), owners.end() - 1}), owners.back());
            found.push_back({condition.where,
                             fmt::format("'{}' is a field of {} never in a frame with {}", key, whose, name),
                             fmt::format("name `protocol: {}`, or drop the field", owners.front())});
            continue;
        }
        std::vector<std::string> own(protocol->fields.begin(), protocol->fields.end());
        found.push_back({condition.where, fmt::format("unknown field '{}' for {}", key, name),
                         close ? did_you_mean
                               : fmt::format("{}'s fields: {} (docs/trace.md has those of the layers under it)", name,
                                             listed(own))});
    }
    return found;
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
