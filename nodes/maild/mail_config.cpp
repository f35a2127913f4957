#include "nodes/maild/mail_config.hpp"

#include <stdexcept>

#include "lib/wire/text_line.hpp"
#include "nodes/common/config_values.hpp"

namespace emu::mail {

using nlohmann::json;
using wire::lower_ascii;

MailConfig read_mail_config(const json& config) {
    if (!config.is_object()) throw std::invalid_argument("the configuration is not a JSON object");
    MailConfig result;
    if (!config.contains("hostname") || !config["hostname"].is_string() || config["hostname"].get<std::string>().empty()) {
        throw std::invalid_argument("`hostname` is missing");
    }
    result.hostname = config["hostname"].get<std::string>();
    if (!config.contains("domains") || !config["domains"].is_array() || config["domains"].empty()) {
        throw std::invalid_argument("`domains` is not a list of domain names");
    }
    for (const auto& domain : config["domains"]) {
        if (!domain.is_string() || domain.get<std::string>().empty()) throw std::invalid_argument("a domain is not a name");
        result.domains.push_back(lower_ascii(domain.get<std::string>()));
    }
    if (!config.contains("users") || !config["users"].is_object() || config["users"].empty()) {
        throw std::invalid_argument("`users` is not a map from names to passwords");
    }
    for (auto user = config["users"].begin(); user != config["users"].end(); ++user) {
        if (user.key().empty() || !user->is_string()) throw std::invalid_argument("user '" + user.key() + "' has no password");
        result.users[lower_ascii(user.key())] = user->get<std::string>();
    }
    result.postmaster = lower_ascii(config.value("postmaster", result.users.begin()->first));
    if (!result.users.contains(result.postmaster)) {
        throw std::invalid_argument("`postmaster` " + result.postmaster + " is not one of the users");
    }
    if (auto it = config.find("maximum_size"); it != config.end()) {
        if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0 || it->get<std::uint64_t>() > (64u << 20)) {
            throw std::invalid_argument("`maximum_size` is not a size from 1 byte to 64M");
        }
        result.maximum_size = it->get<std::uint64_t>();
    }
    if (auto it = config.find("smtp_port"); it != config.end()) result.smtp_port = node::config_port(*it, "`smtp_port`");
    result.pop3 = config.value("pop3", false);
    if (auto it = config.find("pop3_port"); it != config.end()) result.pop3_port = node::config_port(*it, "`pop3_port`");
    if (auto it = config.find("idle_timeout"); it != config.end()) {
        result.idle_timeout = node::config_seconds(*it, "`idle_timeout`", 0.1, 86400);
    }
    if (auto it = config.find("relay_from"); it != config.end()) {
        if (!it->is_array()) throw std::invalid_argument("`relay_from` is not a list of networks");
        for (const auto& network : *it) {
            auto prefix = network.is_string() ? wire::IpPrefix::parse(network.get<std::string>())
                                              : tl::make_unexpected(std::string("not text"));
            if (!prefix) throw std::invalid_argument("`relay_from` has a bad network: " + prefix.error());
            result.relay_from.push_back(*prefix);
        }
    }
    if (auto it = config.find("queue_lifetime"); it != config.end()) {
        auto lifetime = node::config_seconds(*it, "`queue_lifetime`", 1, 30 * 86400);
        result.queue_lifetime = std::chrono::duration_cast<std::chrono::seconds>(lifetime);
    }
    return result;
}

}  // namespace emu::mail
