#pragma once

#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "lib/net/asio.hpp"
#include "lib/net/interface_addresses.hpp"
#include "lib/net/link_sender.hpp"
#include "lib/net/link_udp_receiver.hpp"
#include "lib/net/netlink.hpp"
#include "lib/net/udp_socket.hpp"
#include "nodes/host/dhcp_client.hpp"
#include "nodes/host/resolv_conf.hpp"

namespace emu::host {

/// One interface's DHCP client in the real world: the DhcpClient engine, a packet socket
/// until the interface has an address and a UDP socket after, a timer, and the kernel
/// (address with the lease's lifetime, default route, resolv.conf) through netlink.
class DhcpClientLoop {
public:
    struct Options {
        std::string interface;  ///< the kernel name
        std::string hostname;   ///< sent as option 12
        /// Where the lease is kept across restarts; empty: nowhere (a one-shot exchange).
        std::filesystem::path lease_file;
        ResolvConf* resolv_conf = nullptr;  ///< null: resolv.conf is left alone
        /// Called on each ACK (bound, renewed, rebound), after the kernel has the lease.
        std::function<void(const DhcpLease&)> on_lease;
        DhcpClientSettings settings;  ///< mac and hostname are filled in from the interface
    };

    /// Throws when the interface does not exist or the sockets cannot be opened.
    DhcpClientLoop(asio::io_context& io, Options options);

    /// Runs the client until cancelled (stop()) or until its sockets fail (throws).
    asio::awaitable<void> run();
    /// Ends run() without a RELEASE; the lease stays, as after a crash.
    void stop();
    /// Shutting down: RELEASE the lease and take its address away (RFC 2131 §4.4.6). Call
    /// after run() has ended.
    void release();

    const DhcpClient& client() const { return client_; }
    const std::string& interface() const { return options_.interface; }

private:
    asio::awaitable<void> receive_from_link();
    asio::awaitable<void> receive_from_udp();
    void handle(const std::vector<std::uint8_t>& payload, bool from_link);
    void act(DhcpClientActions actions);
    void send(const DhcpSend& send);
    void apply(const DhcpLease& lease);
    void remove(const DhcpLease& lease);
    ClientTime now() const;

    Options options_;
    net::InterfaceLink link_;
    net::NetlinkSocket netlink_;  // before the client: a remembered lease is taken back through it
    DhcpClient client_;
    net::LinkUdpReceiver link_receiver_;
    net::InterfaceUdpSocket udp_;
    net::Ipv4LinkSender link_sender_;
    asio::steady_timer timer_;
    std::exception_ptr failure_;
    bool stopping_ = false;
};

}  // namespace emu::host
