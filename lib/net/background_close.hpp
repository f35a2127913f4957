#pragma once

#include "lib/util/unique_fd.hpp"

namespace emu::net {

/// Closes a descriptor whose close() makes the caller wait, on a thread of its own.
///
/// Releasing a packet socket (AF_PACKET) waits for an RCU grace period in the kernel
/// (packet_release calls synchronize_net), 5–15 ms on an idle machine, whether the socket
/// ever received anything or not. A program that is done with its packet sockets but not
/// with its work — emu-host after its DHCP ACK, before the ARP, DNS and TCP of the page —
/// should not spend that time on its critical path. The descriptor is closed at once if no
/// thread can be started.
void close_in_background(util::UniqueFd fd);

}  // namespace emu::net
