#pragma once

// A node program's log, written in batches: the lines one turn of the I/O loop logs go out
// in one write(2) when that turn ends, instead of one write each. A server that logs every
// question (emu-dnsd, emu-httpd) would otherwise spend a fifth of its time in write(2) at
// load; nothing is held longer than the turn that logged it, so `emu logs` and the tests
// that wait for a line see it as soon as before.

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "lib/net/asio.hpp"
#include "nodes/common/node_program.hpp"

namespace emu::node {

class BatchedLogSink : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
    BatchedLogSink(asio::io_context& io, int fd) : io_(&io), fd_(fd) {}
    ~BatchedLogSink() override { write_out(); }

    /// No more turns: lines are written as they come (the program is ending).
    void detach() {
        write_out();
        io_ = nullptr;
    }

protected:
    void sink_it_(const spdlog::details::log_msg& message) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(message, formatted);
        pending_.append(formatted.data(), formatted.size());
        if (io_ == nullptr || pending_.size() >= kMaximumPending) {
            write_out();
        } else if (!flush_posted_) {
            flush_posted_ = true;
            asio::post(*io_, [this] {
                flush_posted_ = false;
                write_out();
            });
        }
    }
    void flush_() override { write_out(); }

private:
    static constexpr std::size_t kMaximumPending = 64 * 1024;

    void write_out() {
        std::size_t done = 0;
        while (done < pending_.size()) {
            auto n = ::write(fd_, pending_.data() + done, pending_.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;  // the log is gone (emud closed it): nothing better to do
            done += static_cast<std::size_t>(n);
        }
        pending_.clear();
    }

    asio::io_context* io_;
    int fd_;
    std::string pending_;
    bool flush_posted_ = false;
};

/// Makes the default logger write standard output in batches of one loop turn, with the
/// node programs' pattern; warnings and errors are written at once. Returns the sink, to
/// detach() it when the loop has ended.
inline std::shared_ptr<BatchedLogSink> use_batched_log(asio::io_context& io) {
    auto sink = std::make_shared<BatchedLogSink>(io, STDOUT_FILENO);
    auto logger = std::make_shared<spdlog::logger>("node", sink);
    logger->set_pattern(kLogPattern);
    logger->set_level(spdlog::get_level());
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
    return sink;
}

}  // namespace emu::node
