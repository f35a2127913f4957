#pragma once

#include <filesystem>
#include <vector>

#include "lib/util/unique_fd.hpp"
#include "nodes/dhcpd/lease_table.hpp"

namespace emu::dhcp {

/// emu-dhcpd's leases on disk, in the node's data directory: one JSON object per line, one
/// line per change. A change is appended and fdatasync'd before the reply that depends on
/// it is sent (RFC 2131 §4.3.2 asks the server to record a binding before it ACKs), so a
/// server restarted even after a power cut never hands out an address it acknowledged.
class LeaseFile {
public:
    struct Loaded {
        std::vector<Lease> leases;     ///< the last line per address
        std::size_t skipped_lines = 0;  ///< unreadable lines (a torn last line after a crash)
    };
    /// Reads a lease file; a missing file has no leases.
    static Loaded load(const std::filesystem::path& path);

    /// Rewrites the file with exactly these leases (a temporary, fsync, rename), then opens
    /// it for appending. Throws SystemError.
    LeaseFile(std::filesystem::path path, const std::vector<Lease>& leases);

    /// Appends the changes and waits until they are on disk. Throws SystemError; the caller
    /// must then not send the reply.
    void append(const std::vector<Lease>& changes);

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    util::UniqueFd file_;
    bool torn_ = false;  ///< the last append stopped part way through a line
};

}  // namespace emu::dhcp
