#include "emud/topology/mail_service.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "emud/topology/services.hpp"
#include "lib/wire/dns.hpp"
#include "lib/wire/text_line.hpp"

namespace emu::topology {
namespace {

using nlohmann::json;

const std::vector<std::string> kKeys{"domains",      "users",        "hostname",  "postmaster",
                                     "maximum_size", "idle_timeout", "relay_from", "queue_lifetime"};

// A mail domain or host name: a DNS name of at least two labels, written without the root dot.
bool is_host_name(const std::string& name) {
    return !name.empty() && name.back() != '.' && name.find('.') != std::string::npos && wire::DnsName::parse(name).has_value();
}

// A size: a number of bytes, or text "512K", "10M" (binary multiples, as Postfix's are not:
// the unit is written out in docs/topology.md).
std::optional<std::uint64_t> size_of(const json& value) {
    if (value.is_number_unsigned()) return value.get<std::uint64_t>();
    if (!value.is_string()) return std::nullopt;
    auto text = value.get<std::string>();
    std::uint64_t scale = 1;
    if (!text.empty() && (text.back() == 'K' || text.back() == 'k')) scale = 1024;
    if (!text.empty() && (text.back() == 'M' || text.back() == 'm')) scale = 1024 * 1024;
    if (scale != 1) text.pop_back();
    std::uint64_t number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (number > std::numeric_limits<std::uint64_t>::max() / scale) return std::nullopt;
    return number * scale;
}

}  // namespace

void check_smtp_service(const Lab&, const Node& node, Service& service, Diagnostics& diagnostics) {
    const auto& config = service.config;
    auto error = [&](const std::string& pointer, const std::string& message, const std::string& hint = {}) {
        diagnostics.error(service.spot(pointer), message, hint);
    };
    const std::string example = "e.g. smtp: {domains: [b.example], users: {bob: secret}}";
    if (!config.is_object()) {
        error("", "`smtp` of '" + node.name + "' is a map of settings, not " + shown(config), example);
        return;
    }
    auto problems_before = diagnostics.error_count();
    for (auto it = config.begin(); it != config.end(); ++it) {
        if (std::find(kKeys.begin(), kKeys.end(), it.key()) == kKeys.end()) {
            error("/" + pointer_token(it.key()), "unknown key '" + it.key() + "' in the smtp settings of '" + node.name + "'",
                  suggestion(it.key(), kKeys, "keys"));
        }
    }
    json program = json::object();
    json domains = json::array();
    if (auto it = config.find("domains"); it == config.end()) {
        error("", "`smtp` of '" + node.name + "' needs the `domains` it takes mail for", example);
    } else {
        auto list = it->is_string() ? json::array({*it}) : *it;
        if (!list.is_array() || list.empty()) {
            error("/domains", "`domains` is a list of domain names, like [b.example], not " + shown(*it));
        } else {
            for (std::size_t i = 0; i < list.size(); ++i) {
                auto pointer = it->is_string() ? std::string("/domains") : "/domains/" + std::to_string(i);
                if (!list[i].is_string() || !is_host_name(list[i].get<std::string>())) {
                    error(pointer, "mail domain " + shown(list[i]) + " is not a domain name like b.example");
                } else {
                    domains.push_back(wire::lower_ascii(list[i].get<std::string>()));
                }
            }
        }
    }
    program["domains"] = domains;
    json users = json::object();
    if (auto it = config.find("users"); it == config.end()) {
        error("", "`smtp` of '" + node.name + "' needs `users`: the mailboxes it keeps, each with its POP3 password", example);
    } else if (!it->is_object() || it->empty()) {
        error("/users", "`users` maps mailbox names to passwords, like {bob: secret}, not " + shown(*it));
    } else {
        for (auto user = it->begin(); user != it->end(); ++user) {
            auto pointer = "/users/" + pointer_token(user.key());
            // A mailbox name is a Dot-string's atom (RFC 5321 §4.1.2), and a directory name.
            const auto& name = user.key();
            bool atom = !name.empty() && name.front() != '.' && name.back() != '.' && name.find("..") == std::string::npos &&
                        std::all_of(name.begin(), name.end(), [](char c) {
                            return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-=?^_`{|}~.").find(c) != std::string_view::npos;
                        });
            if (!atom || name.find('/') != std::string::npos) {
                error(pointer, "mailbox name '" + name + "' must be letters, digits and !#$%&'*+-=?^_`{|}~ with single dots");
            } else if (!user->is_string() && !user->is_number()) {
                error(pointer, "the password of " + name + " is text, not " + shown(*user));
            } else if (users.contains(wire::lower_ascii(name))) {
                error(pointer, "mailbox " + name + " is named twice (names are the same in any case)");
            } else {
                auto password = user->is_string() ? user->get<std::string>() : user->dump();
                if (password.find_first_of("\r\n") != std::string::npos) error(pointer, "the password of " + name + " cannot hold a line end");
                users[wire::lower_ascii(name)] = password;
            }
        }
    }
    program["users"] = users;
    std::string hostname = node.name + "." + (domains.empty() ? std::string("example") : domains[0].get<std::string>());
    if (auto it = config.find("hostname"); it != config.end()) {
        if (!it->is_string() || !is_host_name(it->get<std::string>())) {
            error("/hostname", "`hostname` is the server's full name, like mail.b.example, not " + shown(*it));
        } else {
            hostname = wire::lower_ascii(it->get<std::string>());
        }
    }
    program["hostname"] = hostname;
    if (auto it = config.find("postmaster"); it != config.end()) {
        if (!it->is_string() || !users.contains(wire::lower_ascii(it->get<std::string>()))) {
            error("/postmaster", "`postmaster` names one of the `users`, who gets mail for postmaster, not " + shown(*it));
        } else {
            program["postmaster"] = wire::lower_ascii(it->get<std::string>());
        }
    }
    if (auto it = config.find("maximum_size"); it != config.end()) {
        auto size = size_of(*it);
        // A session holds its message in memory while it arrives: the cap bounds what a
        // thousand clients at once can make the server hold.
        if (!size || *size < 1024 || *size > (64ull << 20)) {
            error("/maximum_size", "`maximum_size` is a message size from 1K to 64M: bytes, or 512K or 10M, not " + shown(*it));
        } else {
            program["maximum_size"] = *size;
        }
    }
    if (auto it = config.find("idle_timeout"); it != config.end()) {
        auto seconds = seconds_of(*it);
        if (!seconds || *seconds < 0.1 || *seconds > 86400) {
            error("/idle_timeout", "`idle_timeout` is a time from 0.1 s to 1 day: 300, 2.5s or 500ms, not " + shown(*it));
        } else {
            program["idle_timeout"] = *seconds;
        }
    }
    if (auto it = config.find("relay_from"); it != config.end()) {
        auto list = it->is_string() ? json::array({*it}) : *it;
        json networks = json::array();
        if (!list.is_array() || list.empty()) {
            error("/relay_from", "`relay_from` is a list of the networks whose clients may send to other domains, like "
                                 "[10.0.1.0/24], not " + shown(*it));
        } else {
            for (std::size_t i = 0; i < list.size(); ++i) {
                auto pointer = it->is_string() ? std::string("/relay_from") : "/relay_from/" + std::to_string(i);
                auto prefix = list[i].is_string() ? wire::IpPrefix::parse(list[i].get<std::string>())
                                                  : tl::make_unexpected(std::string("not text"));
                if (!prefix) {
                    error(pointer, "`relay_from` network " + shown(list[i]) + " is not a network like 10.0.1.0/24");
                } else if (prefix->length == 0) {
                    error(pointer, "`relay_from` " + prefix->to_string() + " is everyone: an open relay",
                          "name your users' networks");
                } else {
                    networks.push_back(prefix->network().to_string());
                }
            }
        }
        program["relay_from"] = networks;
    }
    if (auto it = config.find("queue_lifetime"); it != config.end()) {
        auto seconds = seconds_of(*it);
        if (!seconds || *seconds < 1 || *seconds > 30 * 86400) {
            error("/queue_lifetime", "`queue_lifetime` is how long mail that cannot be relayed yet is retried, 1 s to "
                                     "30 days: 600 or 90s, not " + shown(*it));
        } else {
            program["queue_lifetime"] = *seconds;
        }
    }
    if (diagnostics.error_count() > problems_before) return;
    service.program_config = program;
}

void check_pop3_service(const Lab&, const Node& node, Service& service, Diagnostics& diagnostics) {
    if (!service.config.is_null() && !(service.config.is_object() && service.config.empty())) {
        diagnostics.error(service.spot(""), "`pop3` of '" + node.name + "' has no settings of its own: write `pop3: {}`",
                          "its users are the smtp service's");
    }
}

void merge_mail_services(Node& node, Diagnostics& diagnostics) {
    auto smtp = std::find_if(node.services.begin(), node.services.end(), [](const Service& s) { return s.name == "smtp"; });
    for (auto& service : node.services) {
        if (service.name != "pop3") continue;
        if (smtp == node.services.end()) {
            diagnostics.error(service.spot(""), "`pop3` of '" + node.name + "' serves the mailboxes of an `smtp` service, and the node has none",
                              "add smtp: {domains: [...], users: {...}} beside it");
            continue;
        }
        smtp->program_config["pop3"] = true;
        service.runs_in = "smtp";
    }
}

}  // namespace emu::topology
