#pragma once

#include <cstddef>

// emud's control socket speaks JSON lines: one object per line, UTF-8, '\n' after each.
//
//   request  {"id": 1, "method": "up", "params": {...}}
//   event    {"id": 1, "event": "progress", "data": {...}}       zero or more, before the reply
//   reply    {"id": 1, "result": {...}}
//         or {"id": 1, "error": {"code": "invalid-topology", "message": "...", "details": [...]}}
//
// Methods (docs/design.md lists their parameters and results):
//   ping, up, down, status, list, node, logs, topology, link, trace, capture, shutdown
//
// The socket is root's alone (mode 0600, and the peer's uid is checked), since whoever can
// talk to emud can create namespaces and run commands as root.

namespace emu::api {

/// The largest request line emud accepts: a topology of 16 MiB, escaped.
inline constexpr std::size_t kMaxLineBytes = 40u * 1024 * 1024;

}  // namespace emu::api
