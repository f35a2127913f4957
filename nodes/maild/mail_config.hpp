#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/wire/ip_address.hpp"

namespace emu::mail {

/// emu-maild's settings, as emud writes them from a node's `services: smtp:` and `pop3:`
/// (docs/mail.md).
struct MailConfig {
    std::string hostname;                          ///< the name it greets with, "mail.b.example"
    std::vector<std::string> domains;              ///< the domains it takes mail for, lower case
    std::map<std::string, std::string> users;      ///< mailbox name (lower case) → POP3 password
    std::string postmaster;                        ///< the user "postmaster" reaches (RFC 5321 §4.5.1)
    std::uint64_t maximum_size = 10 * 1024 * 1024;  ///< SIZE (RFC 1870): a message's bytes at most
    std::uint16_t smtp_port = 25;
    bool pop3 = false;                             ///< POP3 on port 110 for the same mailboxes
    std::uint16_t pop3_port = 110;
    std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};  ///< RFC 5321 §4.5.3.2.7
    /// The clients whose mail for other domains it takes and relays to their MX: its own
    /// users' networks. Anyone else may only send to its domains.
    std::vector<wire::IpPrefix> relay_from;
    /// How long a message it could not relay yet is retried before it is returned.
    std::chrono::seconds queue_lifetime{std::chrono::minutes(10)};
};

/// Reads the settings from emud's JSON. Throws std::invalid_argument naming the key at fault.
MailConfig read_mail_config(const nlohmann::json& config);

}  // namespace emu::mail
