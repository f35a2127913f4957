#include "emud/build/builder.hpp"

#include <net/if.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "lib/net/address_requests.hpp"
#include "lib/net/link_requests.hpp"
#include "lib/net/netlink.hpp"
#include "lib/net/netns.hpp"
#include "lib/net/route_requests.hpp"
#include "lib/net/sysctl.hpp"
#include "lib/util/files.hpp"
#include "lib/util/system_error.hpp"

namespace emu::build {
namespace {

constexpr std::uint8_t kProtocolStatic = 4;  // RTPROT_STATIC: a route from the topology file
// Namespace creation is the one step that runs in parallel: unshare() of a network
// namespace does not take the RTNL lock for most of its work.
constexpr unsigned kNamespaceThreads = 2;

// The highest ifindex in the calling thread's namespace: a new namespace has lo, and on
// some kernels fallback tunnel devices (sit0, tunl0 …) too; ours are numbered after them.
int highest_ifindex() {
    int highest = 1;
    if (struct if_nameindex* all = if_nameindex()) {
        for (auto* entry = all; entry->if_index != 0; ++entry) highest = std::max(highest, static_cast<int>(entry->if_index));
        if_freenameindex(all);
    }
    return highest;
}

struct NamespaceState {
    util::UniqueFd fd;
    std::optional<net::NetlinkSocket> socket;
    int base = 1;  // ifindex of ordinal N is base + N

    int ifindex(int ordinal) const { return ordinal == 0 ? 1 : base + ordinal; }
};

class Builder {
public:
    Builder(const LabPlan& plan, Journal& journal, const ProgressSink& progress, const std::optional<FaultPoint>& fault,
            const std::atomic<bool>* cancel)
        : plan_(plan),
          journal_(journal),
          progress_(progress),
          fault_(fault),
          cancel_(cancel),
          states_(plan.namespaces.size()) {}

    void build() {
        make_namespaces();
        // The /etc/netns files go in while the devices are made: one is file system work, the
        // other netlink, and on two cores the lab is up sooner when they overlap.
        std::exception_ptr files_failure;
        std::thread files([&] {
            try {
                write_etc_files();
            } catch (...) {
                files_failure = std::current_exception();
            }
        });
        try {
            make_bridges();
            make_links();
            configure_namespaces();
        } catch (...) {
            files.join();
            throw;
        }
        files.join();
        if (files_failure) std::rethrow_exception(files_failure);
        states_.clear();  // closes every socket and namespace fd: the lab must not depend on emud
        journal_.ready();
    }

private:
    // Before each object: a cancelled build stops here, and an injected fault strikes.
    void checkpoint(std::string_view phase, std::size_t index) {
        if (fault_) fault_->check(phase, index, cancel_);
        if (cancel_ != nullptr && cancel_->load()) throw BuildCancelled();
    }

    // Called from the namespace workers and the file thread too.
    void report(std::string_view phase, std::size_t done, std::size_t total) {
        std::lock_guard guard(report_lock_);
        if (progress_) progress_({std::string(phase), done, total});
    }

    void make_namespaces() {
        std::vector<std::filesystem::path> paths;
        for (const auto& space : plan_.namespaces) paths.push_back(space.path);
        for (const auto& path : paths) {
            if (std::filesystem::exists(path)) {
                throw std::runtime_error(fmt::format(
                    "{} already exists: another lab (or `ip netns add`) uses that name; pick another lab name "
                    "with --name",
                    path.string()));
            }
        }
        net::prepare_netns_directory();
        journal_.namespaces_intended(paths);

        std::atomic<std::size_t> next{0};
        std::atomic<std::size_t> done{0};
        std::atomic<bool> failed{false};
        std::exception_ptr failure;
        std::mutex lock;
        auto worker = [&] {
            try {
                auto home = net::current_netns();
                for (std::size_t i = next++; i < plan_.namespaces.size() && !failed; i = next++) {
                    checkpoint("netns", i);
                    make_namespace(i, home.get(), lock);
                    auto count = ++done;
                    if (count % 64 == 0) report("namespaces", count, plan_.namespaces.size());
                }
            } catch (...) {
                std::lock_guard guard(lock);
                if (!failed.exchange(true)) failure = std::current_exception();
            }
        };
        unsigned threads = std::min<unsigned>(kNamespaceThreads, std::max<std::size_t>(1, plan_.namespaces.size() / 16));
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
        worker();
        for (auto& thread : pool) thread.join();
        if (failure) std::rethrow_exception(failure);
        report("namespaces", plan_.namespaces.size(), plan_.namespaces.size());
    }

    void make_namespace(std::size_t index, int home, std::mutex& lock) {
        const auto& space = plan_.namespaces[index];
        auto& state = states_[index];
        net::NamedNetns made;
        try {
            made = net::create_named_netns(space.path, home, [&] {
                state.socket.emplace(net::NetlinkSocket::open());
                state.base = highest_ifindex();
                state.socket->execute(net::link_up_request(1, "bring up lo of " + describe(space)));
                for (const auto& sysctl : space.early_sysctls) net::write_sysctl(sysctl.key, sysctl.value);
            });
        } catch (const util::SystemError& error) {
            if (error.error_number() != EEXIST) throw;
            // Another lab made this name between our check and now: it is not ours to remove.
            std::lock_guard guard(lock);
            journal_.namespace_foreign(space.path);
            throw std::runtime_error(fmt::format("{} was just made by someone else; pick another lab name with --name",
                                                 space.path.string()));
        }
        state.fd = std::move(made.fd);
        std::lock_guard guard(lock);
        journal_.namespace_made(space.path, made.inode);
    }

    static std::string describe(const NamespacePlan& space) {
        return space.is_fabric() ? std::string("the fabric") : "node " + space.node;
    }

    void write_etc_files() {
        std::vector<std::filesystem::path> directories;
        for (const auto& space : plan_.namespaces) {
            if (!space.etc_directory.empty()) directories.push_back(space.etc_directory);
        }
        journal_.etc_intended(directories);
        std::size_t index = 0;
        for (const auto& space : plan_.namespaces) {
            if (space.etc_directory.empty()) continue;
            checkpoint("etc", index++);
            std::filesystem::create_directories(space.etc_directory);
            util::write_new_file(space.etc_directory / "hosts", space.hosts_file);
            util::write_new_file(space.etc_directory / "resolv.conf", space.resolv_conf);
        }
        report("files", index, directories.size());
    }

    void make_bridges() {
        if (plan_.bridges.empty()) return;
        auto& fabric = states_.at(0);
        std::vector<net::NetlinkRequest> requests;
        for (std::size_t i = 0; i < plan_.bridges.size(); ++i) {
            checkpoint("bridge", i);
            const auto& bridge = plan_.bridges[i];
            requests.push_back(net::bridge_request(settings(bridge.device), bridge.stp, bridge.what));
        }
        fabric.socket->execute(requests);
        report("bridges", plan_.bridges.size(), plan_.bridges.size());
    }

    net::LinkSettings settings(const DevicePlan& device) const {
        const auto& state = states_.at(device.namespace_index);
        net::LinkSettings result;
        result.name = device.name;
        result.ifindex = state.ifindex(device.ordinal);
        result.mtu = device.mtu;
        result.mac = device.mac;
        result.master_ifindex = device.master_ordinal == 0 ? 0 : state.ifindex(device.master_ordinal);
        return result;
    }

    void make_links() {
        // Each pair is made by a request on the socket of its local end's namespace.
        std::map<std::size_t, std::vector<net::NetlinkRequest>> by_namespace;
        for (std::size_t i = 0; i < plan_.veths.size(); ++i) {
            checkpoint("veth", i);
            const auto& veth = plan_.veths[i];
            auto local = settings(veth.local);
            auto peer = settings(veth.peer);
            peer.master_ifindex = 0;
            if (veth.peer.namespace_index != veth.local.namespace_index) {
                peer.netns_fd = states_.at(veth.peer.namespace_index).fd.get();
            }
            by_namespace[veth.local.namespace_index].push_back(net::veth_pair_request(local, peer, veth.what));
        }
        std::size_t done = 0;
        for (auto& [index, requests] : by_namespace) {
            states_.at(index).socket->execute(requests);
            done += requests.size();
            report("links", done, plan_.veths.size());
        }
    }

    void configure_namespaces() {
        auto home = net::current_netns();
        for (std::size_t i = 0; i < plan_.namespaces.size(); ++i) {
            checkpoint("configure", i);
            const auto& space = plan_.namespaces[i];
            auto& state = states_[i];
            std::vector<net::NetlinkRequest> requests;
            for (auto [ordinal, master] : space.peer_masters) {
                requests.push_back(net::link_master_request(state.ifindex(ordinal), state.ifindex(master),
                                                            "join a switch port of " + describe(space)));
            }
            for (int ordinal : space.peers_to_bring_up) {
                requests.push_back(net::link_up_request(state.ifindex(ordinal), "bring up an interface of " + describe(space)));
            }
            for (const auto& [ordinal, alias] : space.aliases) {
                requests.push_back(net::link_alias_request(state.ifindex(ordinal), alias, "name " + alias));
            }
            for (const auto& address : space.addresses) {
                requests.push_back(net::address_request(state.ifindex(address.ordinal), address.prefix, address.what));
            }
            for (const auto& route : space.routes) {
                requests.push_back(net::route_request(route.destination, route.via, route.metric, kProtocolStatic, route.what));
            }
            state.socket->execute(requests);
            if (!space.sysctls.empty()) write_user_sysctls(space, state, home.get());
            if (i % 64 == 63) report("addresses", i + 1, plan_.namespaces.size());
        }
        report("addresses", plan_.namespaces.size(), plan_.namespaces.size());
    }

    void write_user_sysctls(const NamespacePlan& space, const NamespaceState& state, int home) {
        net::enter_netns(state.fd.get());
        try {
            for (const auto& sysctl : space.sysctls) {
                try {
                    net::write_sysctl(sysctl.key, sysctl.value);
                } catch (const std::exception& error) {
                    throw std::runtime_error(fmt::format("{} of node {} (line {})", error.what(), space.node,
                                                         sysctl.where.line));
                }
            }
        } catch (...) {
            net::enter_netns(home);
            throw;
        }
        net::enter_netns(home);
    }

    const LabPlan& plan_;
    Journal& journal_;
    const ProgressSink& progress_;
    const std::optional<FaultPoint>& fault_;
    const std::atomic<bool>* cancel_;
    std::vector<NamespaceState> states_;
    std::mutex report_lock_;
};

}  // namespace

std::optional<FaultPoint> FaultPoint::from_environment() {
    const char* value = std::getenv("EMU_FAULT");
    if (value == nullptr || *value == '\0') return std::nullopt;
    std::string text(value);
    auto first = text.find(':');
    if (first == std::string::npos) return std::nullopt;
    FaultPoint point;
    point.phase = text.substr(0, first);
    auto second = text.find(':', first + 1);
    point.at = std::strtoul(text.substr(first + 1, second - first - 1).c_str(), nullptr, 10);
    auto action = second == std::string::npos ? std::string() : text.substr(second + 1);
    point.action = action == "kill" ? FaultPoint::Action::kill
                   : action == "pause" ? FaultPoint::Action::pause
                                       : FaultPoint::Action::fail;
    return point;
}

void FaultPoint::check(std::string_view at_phase, std::size_t index, const std::atomic<bool>* cancel) const {
    if (phase != at_phase || at != index) return;
    switch (action) {
        case Action::kill:
            ::raise(SIGKILL);
            break;
        case Action::pause: {
            // A test's instrument, on the build's own thread: nothing else waits on it.
            auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
            while (cancel != nullptr && !cancel->load() && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            return;
        }
        case Action::fail:
            break;
    }
    throw std::runtime_error(fmt::format("injected fault at {} #{} (EMU_FAULT)", at_phase, index));
}

void build_lab(const LabPlan& plan, Journal& journal, const ProgressSink& progress,
               const std::optional<FaultPoint>& fault, const std::atomic<bool>* cancel) {
    Builder(plan, journal, progress, fault, cancel).build();
}

}  // namespace emu::build
