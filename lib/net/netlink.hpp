#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct nl_msg;
struct nl_sock;
struct nlattr;

namespace emu::net {

struct NetlinkMessageDeleter {
    void operator()(nl_msg* message) const;
};
/// One netlink message built with libnl, owned.
using NetlinkMessage = std::unique_ptr<nl_msg, NetlinkMessageDeleter>;

/// A request to the kernel and what it is for, so a failure can say which object it was.
struct NetlinkRequest {
    NetlinkMessage message;
    std::string what;  ///< "veth h1:eth0 to lan1", "address 10.0.1.10/24 on h1:eth0"
};

/// The kernel refused a request: its errno, the request's `what` and the kernel's own
/// explanation when it gave one (extended ACK).
class NetlinkError : public std::runtime_error {
public:
    NetlinkError(int error_number, std::string request, std::string kernel_message);
    int error_number() const { return error_number_; }
    std::size_t request_index = 0;  ///< which request of the batch failed

private:
    int error_number_;
};

/// A NETLINK_ROUTE socket. It belongs to the network namespace the calling thread was in
/// when it was opened, and stays there whatever the thread does next.
class NetlinkSocket {
public:
    /// Opens a socket in the calling thread's current network namespace.
    static NetlinkSocket open();

    /// Sends every request, many to a datagram, and reads the acknowledgement of each.
    /// Throws NetlinkError for the first that failed; stops sending after a failed batch.
    void execute(std::vector<NetlinkRequest>& requests);
    void execute(NetlinkRequest request);

private:
    struct SocketDeleter {
        void operator()(nl_sock* socket) const;
    };
    explicit NetlinkSocket(std::unique_ptr<nl_sock, SocketDeleter> socket) : socket_(std::move(socket)) {}

    std::unique_ptr<nl_sock, SocketDeleter> socket_;
    std::uint32_t next_sequence_ = 1;
    // Made once, on the first request, and never zeroed: the kernel writes only what it
    // sends, so only those pages are ever touched (a zeroed 256 KiB per request cost about
    // 1.3 ms of page faults on a virtual machine).
    std::unique_ptr<std::uint8_t[]> reply_;
};

/// Builds a netlink message with libnl: a fixed header, then attributes, nested as needed.
class MessageBuilder {
public:
    MessageBuilder(int type, int flags);
    /// Appends the family header (ifinfomsg, ifaddrmsg, rtmsg …).
    template <typename Header>
    MessageBuilder& header(const Header& value) {
        return append(&value, sizeof(value));
    }
    MessageBuilder& put(int type, const void* data, std::size_t length);
    MessageBuilder& put_u8(int type, std::uint8_t value) { return put(type, &value, sizeof value); }
    MessageBuilder& put_u32(int type, std::uint32_t value) { return put(type, &value, sizeof value); }
    MessageBuilder& put_string(int type, std::string_view value);
    /// Opens a nested attribute; close it with end_nest().
    MessageBuilder& begin_nest(int type);
    MessageBuilder& end_nest();
    NetlinkMessage take();

private:
    MessageBuilder& append(const void* data, std::size_t length);

    NetlinkMessage message_;
    std::vector<::nlattr*> open_nests_;
};

}  // namespace emu::net
