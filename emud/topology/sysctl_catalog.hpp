#pragma once

#include <set>
#include <string>

namespace emu::topology {

/// What the kernel offers under /proc/sys, so that a node's `sysctls` are checked before
/// `up` rather than failing in the middle of it. Behind an interface so that the checks stay
/// pure: tests give a fixed set, the programs the running kernel's.
class SysctlCatalog {
public:
    enum class Entry { writable, read_only, missing, unknown };
    virtual ~SysctlCatalog() = default;
    /// The entry at `path` under /proc/sys ("net/ipv4/ip_forward"); `unknown` when it cannot tell.
    virtual Entry find(const std::string& path) const = 0;
};

/// The running kernel's, as /proc/sys shows it to the calling process: the net.* entries of a
/// node's namespace are there in every namespace, the root one too. `unknown` for everything
/// when /proc/sys/net cannot be read (no /proc), so that nothing is refused for want of it.
const SysctlCatalog& running_kernel_sysctls();

/// A fixed catalog: these files are writable, those read-only, nothing else exists.
class SysctlSet : public SysctlCatalog {
public:
    SysctlSet(std::set<std::string> writable, std::set<std::string> read_only = {})
        : writable_(std::move(writable)), read_only_(std::move(read_only)) {}
    Entry find(const std::string& path) const override;

private:
    std::set<std::string> writable_;
    std::set<std::string> read_only_;
};

}  // namespace emu::topology
