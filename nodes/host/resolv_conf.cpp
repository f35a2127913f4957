#include "nodes/host/resolv_conf.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace emu::host {

void ResolvConf::set(const std::string& interface, std::vector<wire::Ipv4Address> servers, std::string domain) {
    entries_[interface] = Entry{std::move(servers), std::move(domain)};
    write();
}

void ResolvConf::clear(const std::string& interface) {
    if (entries_.erase(interface) > 0) write();
}

std::string ResolvConf::text() const {
    std::vector<wire::Ipv4Address> servers;
    std::vector<std::string> domains;
    std::string sources;
    for (const auto& [interface, entry] : entries_) {
        sources += (sources.empty() ? "" : ", ") + interface;
        for (const auto& server : entry.servers) {
            if (std::find(servers.begin(), servers.end(), server) == servers.end()) servers.push_back(server);
        }
        if (!entry.domain.empty() && std::find(domains.begin(), domains.end(), entry.domain) == domains.end()) {
            domains.push_back(entry.domain);
        }
    }
    std::string text = sources.empty() ? "# emu-host: no DHCP lease names a name server\n"
                                       : "# emu-host: from the DHCP lease on " + sources + "\n";
    if (!domains.empty()) {
        text += "search";
        for (const auto& domain : domains) text += " " + domain;
        text += "\n";
    }
    // The resolver reads at most three (resolv.conf(5), MAXNS).
    for (std::size_t i = 0; i < servers.size() && i < 3; ++i) text += "nameserver " + servers[i].to_string() + "\n";
    return text;
}

void ResolvConf::write() const {
    // In place, not by rename: the file is a bind mount, and a rename would put a new file
    // beside the mount instead of changing what the node sees.
    std::ofstream out(path_, std::ios::trunc);
    out << text();
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + path_.string());
}

bool is_node_file(const std::filesystem::path& path) {
    std::ifstream mountinfo("/proc/self/mountinfo");
    std::string line;
    while (std::getline(mountinfo, line)) {
        // proc(5): mount ID, parent ID, major:minor, root, mount point, …
        std::istringstream fields(line);
        std::string id, parent, device, root, mount_point;
        if (fields >> id >> parent >> device >> root >> mount_point && mount_point == path.string()) return true;
    }
    return false;
}

}  // namespace emu::host
