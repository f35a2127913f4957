#include "nodes/host/agent.hpp"

namespace emu::host {

HostAgent::HostAgent(asio::io_context& io, const AgentConfig& config, const std::filesystem::path& data_directory) {
    if (!config.resolv_conf.empty()) resolv_conf_ = std::make_unique<ResolvConf>(config.resolv_conf);
    std::filesystem::create_directories(data_directory);
    for (const auto& interface : config.dhcp_interfaces) {
        DhcpClientLoop::Options options;
        options.interface = interface;
        options.hostname = config.hostname;
        options.lease_file = data_directory / (interface + ".lease");
        options.resolv_conf = resolv_conf_.get();
        options.settings.first_retransmit = config.first_retransmit;
        clients_.push_back(std::make_unique<DhcpClientLoop>(io, std::move(options)));
    }
}

asio::awaitable<void> HostAgent::run() {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer finished(executor, asio::steady_timer::time_point::max());
    std::exception_ptr failure;
    std::size_t running = clients_.size();
    for (auto& client : clients_) {
        asio::co_spawn(executor, client->run(), [&](std::exception_ptr error) {
            if (error && !failure) failure = error;
            --running;
            finished.cancel();
        });
    }
    // One client failing ends the agent (emud restarts it): the others are stopped, and
    // waited for, since their completions report here.
    bool stopping = false;
    while (running > 0) {
        boost::system::error_code ignored;
        co_await finished.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        if (failure && !stopping) {
            stopping = true;
            for (auto& client : clients_) client->stop();
        }
    }
    if (failure) std::rethrow_exception(failure);
}

void HostAgent::release() {
    for (auto& client : clients_) client->release();
}

}  // namespace emu::host
