#pragma once

#include <ostream>
#include <string>

namespace emu::host {

// What each emu-host subcommand does; each returns the program's exit status.

/// The node's agent: a DHCP client on each `dhcp` interface until SIGTERM, then RELEASE.
int run_agent(const std::string& config_path, const std::string& data_directory);
/// One DHCP exchange on an interface; prints the lease to `lease_out`.
int run_one_exchange(const std::string& interface, double timeout_seconds, std::ostream& lease_out);
/// Resolves a name through the node's resolv.conf (or `server`); prints the records.
int run_resolve(const std::string& name, const std::string& type_name, const std::string& server, bool verbose);
/// Fetches a page by HTTP; prints its body.
int run_get(const std::string& url, bool verbose, double timeout_seconds);

}  // namespace emu::host
