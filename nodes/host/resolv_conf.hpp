#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lib/wire/ip_address.hpp"

namespace emu::host {

/// The node's resolv.conf, made from what DHCP said on each interface: the name servers of
/// every lease in interface order (without repeats), and the domains as the search list.
class ResolvConf {
public:
    explicit ResolvConf(std::filesystem::path path) : path_(std::move(path)) {}

    /// Records what one interface's lease says and rewrites the file.
    void set(const std::string& interface, std::vector<wire::Ipv4Address> servers, std::string domain);
    /// Forgets the interface's lease and rewrites the file.
    void clear(const std::string& interface);

    /// The file's text for what is recorded now.
    std::string text() const;

private:
    struct Entry {
        std::vector<wire::Ipv4Address> servers;
        std::string domain;
    };
    void write() const;

    std::filesystem::path path_;
    std::map<std::string, Entry> entries_;
};

/// True when `path` is a file of its own mounted over /etc (how emud gives each node its
/// resolv.conf, and `ip netns exec` too), so writing it changes the node only, never the
/// machine's. Read from /proc/self/mountinfo.
bool is_node_file(const std::filesystem::path& path);

}  // namespace emu::host
