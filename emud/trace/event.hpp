#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace emu::trace {

/// One protocol layer of a frame: its name, a line for people, and its fields for
/// scenarios and `--json` ("src", "dst", "ttl", "flags", …).
struct Layer {
    std::string protocol;  ///< "Ethernet", "ARP", "IPv4", "ICMP", "UDP", "TCP", …
    std::string summary;   ///< "ARP who-has 10.0.1.1 tell 10.0.1.10"
    nlohmann::json fields = nlohmann::json::object();
};

/// Layers packed into bytes (MessagePack, each as [protocol, summary, fields]): how the trace
/// ring keeps a frame's application messages, so that what it counts of them is what they
/// take — a tree of JSON fields costs several times its text in allocations.
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
