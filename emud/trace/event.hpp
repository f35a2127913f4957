#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace emu::trace {

struct Layer;

/// Makes a layer from the bytes a decoder kept of a message (a Layer's `record`).
using LayerExpander = Layer (*)(const std::vector<std::uint8_t>& record);

/// One protocol layer of a frame: its name, a line for people, and its fields for
/// scenarios and `--json` ("src", "dst", "ttl", "flags", …).
///
/// Or, while it sits in the trace's ring, a layer still to be made: a decoder that follows
/// a connection at capture time may keep only the bytes it needs to describe a message
/// (`record`, with `expand` to describe it), and the layer is made when the trace is read —
/// under load, building every message's fields as it is captured costs more than the rest
/// of the capture together (docs/trace.md).
struct Layer {
    Layer() = default;
    Layer(std::string protocol_name, std::string summary_line, nlohmann::json layer_fields = nlohmann::json::object())
        : protocol(std::move(protocol_name)), summary(std::move(summary_line)), fields(std::move(layer_fields)) {}

    std::string protocol;  ///< "Ethernet", "ARP", "IPv4", "ICMP", "UDP", "TCP", …
    std::string summary;   ///< "ARP who-has 10.0.1.1 tell 10.0.1.10"
    nlohmann::json fields = nlohmann::json::object();
    LayerExpander expand = nullptr;    ///< set: the layer is `expand(record)`, not made yet
    std::vector<std::uint8_t> record;  ///< what `expand` describes

    /// A layer still to be made from `record`.
    static Layer deferred(LayerExpander expand, std::vector<std::uint8_t> record);
};

/// The layer itself: a deferred one made now, any other as it is.
Layer expanded(Layer layer);
std::vector<Layer> expanded(std::vector<Layer> layers);

/// Layers packed into bytes: how the trace ring keeps a frame's application messages, so
/// that what it counts of them is what they take — a tree of JSON fields costs several
/// times its text in allocations. A made layer is kept as MessagePack ([protocol, summary,
/// fields]); a deferred one as its expander and record. The expander is kept as the
/// function's address: packed layers never leave the process that packed them.
std::vector<std::uint8_t> pack_layers(std::vector<Layer> layers);
/// The layers pack_layers() made; none from bytes it did not make.
std::vector<Layer> unpack_layers(const std::vector<std::uint8_t>& packed);

/// The layer for bytes that should have been `layer` and are not: "DNS malformed: why",
/// protocol "malformed", fields {layer, error}.
Layer malformed_layer(const std::string& layer, const std::string& why);

/// A captured frame, decoded: where and when it was seen, who sent it to whom, and its layers.
struct TraceEvent {
    std::uint64_t number = 0;        ///< 1, 2, … in capture order: the frame's number in the pcapng
    std::uint64_t timestamp_ns = 0;  ///< kernel time of capture, since the epoch
    std::string link;                ///< the link's name
    std::string segment;             ///< the switch for a LAN link, else the link
    std::string from;                ///< the sending node, or the source MAC when no node owns it
    std::string to;                  ///< the receiving node, or the destination MAC (broadcast …)
    std::uint32_t length = 0;        ///< bytes on the wire
    std::vector<Layer> layers;

    /// The layer of that protocol, or null.
    const Layer* find(const std::string& protocol) const;
};

nlohmann::json to_json(const TraceEvent& event);
/// The same, taking the layers' fields instead of copying them.
nlohmann::json to_json(TraceEvent&& event);
TraceEvent event_from_json(const nlohmann::json& json);
/// The same, taking the layers' fields out of `json` instead of copying them.
TraceEvent event_from_json(nlohmann::json&& json);

}  // namespace emu::trace
