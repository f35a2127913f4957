#include "lib/net/netlink.hpp"

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "lib/util/system_error.hpp"

namespace emu::net {
namespace {

// A window small enough that its acknowledgements always fit the receive buffer.
constexpr std::size_t kWindowMessages = 128;
constexpr std::size_t kWindowBytes = 64 * 1024;
constexpr int kBufferBytes = 4 * 1024 * 1024;

std::string extended_ack_message(const nlmsghdr* header) {
    if ((header->nlmsg_flags & NLM_F_ACK_TLVS) == 0) return {};
    // With NETLINK_CAP_ACK the error carries only the request's header, then the TLVs.
    std::size_t offset = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nlmsgerr));
    if ((header->nlmsg_flags & NLM_F_CAPPED) == 0) {
        const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(header));
        offset = NLMSG_HDRLEN + sizeof(nlmsgerr) - sizeof(nlmsghdr) + NLMSG_ALIGN(error->msg.nlmsg_len);
    }
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(header);
    while (offset + sizeof(nlattr) <= header->nlmsg_len) {
        nlattr attribute;
        std::memcpy(&attribute, bytes + offset, sizeof attribute);
        if (attribute.nla_len < sizeof(nlattr) || offset + attribute.nla_len > header->nlmsg_len) break;
        if ((attribute.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
            const char* text = reinterpret_cast<const char*>(bytes + offset + NLA_HDRLEN);
            return std::string(text, strnlen(text, attribute.nla_len - NLA_HDRLEN));
        }
        offset += NLA_ALIGN(attribute.nla_len);
    }
    return {};
}

}  // namespace

void NetlinkMessageDeleter::operator()(nl_msg* message) const { nlmsg_free(message); }

void NetlinkSocket::SocketDeleter::operator()(nl_sock* socket) const { nl_socket_free(socket); }

NetlinkError::NetlinkError(int error_number, std::string request, std::string kernel_message)
    : std::runtime_error(request + ": " + std::strerror(error_number) +
                         (kernel_message.empty() ? "" : " (" + kernel_message + ")")),
      error_number_(error_number) {}

NetlinkSocket NetlinkSocket::open() {
    std::unique_ptr<nl_sock, SocketDeleter> socket(nl_socket_alloc());
    if (!socket) throw std::runtime_error("netlink: out of memory");
    if (int error = nl_connect(socket.get(), NETLINK_ROUTE); error < 0) {
        throw std::runtime_error(std::string("netlink: cannot open a route socket: ") + nl_geterror(error));
    }
    int fd = nl_socket_get_fd(socket.get());
    int on = 1;
    // Best effort: older kernels lack these, and then errors just come without the kernel's text.
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
    nl_socket_set_buffer_size(socket.get(), kBufferBytes, kBufferBytes);
    return NetlinkSocket(std::move(socket));
}

void NetlinkSocket::execute(NetlinkRequest request) {
    std::vector<NetlinkRequest> one;
    one.push_back(std::move(request));
    execute(one);
}

void NetlinkSocket::execute(std::vector<NetlinkRequest>& requests) {
    int fd = nl_socket_get_fd(socket_.get());
    std::uint32_t port = nl_socket_get_local_port(socket_.get());
    std::vector<std::uint8_t> datagram;
    constexpr std::size_t kReplyBytes = 256 * 1024;
    if (!reply_) reply_ = std::make_unique_for_overwrite<std::uint8_t[]>(kReplyBytes);
    std::size_t next = 0;
    while (next < requests.size()) {
        // Pack a window of requests into one datagram; the kernel handles each in turn and
        // acknowledges each, failed or not.
        datagram.clear();
        std::uint32_t first_sequence = next_sequence_;
        std::size_t first_index = next;
        while (next < requests.size() && next - first_index < kWindowMessages && datagram.size() < kWindowBytes) {
            nlmsghdr* header = nlmsg_hdr(requests[next].message.get());
            header->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
            header->nlmsg_seq = next_sequence_++;
            header->nlmsg_pid = port;
            auto* bytes = reinterpret_cast<std::uint8_t*>(header);
            datagram.insert(datagram.end(), bytes, bytes + header->nlmsg_len);
            datagram.resize(NLMSG_ALIGN(datagram.size()));
            ++next;
        }
        std::size_t pending = next - first_index;
        sockaddr_nl kernel{};
        kernel.nl_family = AF_NETLINK;
        while (::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) <
               0) {
            if (errno != EINTR) util::throw_errno("netlink send");
        }

        std::optional<NetlinkError> failure;
        while (pending > 0) {
            ssize_t received = ::recv(fd, reply_.get(), kReplyBytes, 0);
            if (received < 0) {
                if (errno == EINTR) continue;
                util::throw_errno("netlink receive");
            }
            auto length = static_cast<std::size_t>(received);
            for (auto* header = reinterpret_cast<nlmsghdr*>(reply_.get()); NLMSG_OK(header, length);
                 header = NLMSG_NEXT(header, length)) {
                if (header->nlmsg_type != NLMSG_ERROR) continue;
                std::uint32_t index = header->nlmsg_seq - first_sequence;
                if (index >= next - first_index) continue;  // not ours (a stale reply)
                --pending;
                nlmsgerr error;
                std::memcpy(&error, NLMSG_DATA(header), sizeof error);
                if (error.error != 0 && !failure) {
                    failure.emplace(-error.error, requests[first_index + index].what, extended_ack_message(header));
                    failure->request_index = first_index + index;
                }
            }
        }
        if (failure) throw *failure;
    }
}

MessageBuilder::MessageBuilder(int type, int flags) : message_(nlmsg_alloc_simple(type, flags)) {
    if (!message_) throw std::runtime_error("netlink: out of memory");
}

MessageBuilder& MessageBuilder::append(const void* data, std::size_t length) {
    if (nlmsg_append(message_.get(), const_cast<void*>(data), length, NLMSG_ALIGNTO) < 0) {
        throw std::runtime_error("netlink: message too large");
    }
    return *this;
}

MessageBuilder& MessageBuilder::put(int type, const void* data, std::size_t length) {
    if (nla_put(message_.get(), type, static_cast<int>(length), data) < 0) {
        throw std::runtime_error("netlink: message too large");
    }
    return *this;
}

MessageBuilder& MessageBuilder::put_string(int type, std::string_view value) {
    std::string terminated(value);
    return put(type, terminated.c_str(), terminated.size() + 1);
}

MessageBuilder& MessageBuilder::begin_nest(int type) {
    nlattr* nest = nla_nest_start(message_.get(), type);
    if (nest == nullptr) throw std::runtime_error("netlink: message too large");
    open_nests_.push_back(nest);
    return *this;
}

MessageBuilder& MessageBuilder::end_nest() {
    nla_nest_end(message_.get(), open_nests_.back());
    open_nests_.pop_back();
    return *this;
}

NetlinkMessage MessageBuilder::take() { return std::move(message_); }

}  // namespace emu::net
