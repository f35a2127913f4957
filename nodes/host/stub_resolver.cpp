#include "nodes/host/stub_resolver.hpp"

#include <algorithm>
#include <sstream>

namespace emu::host {
namespace {

int option_value(const std::string& option, const char* name, int fallback, int low, int high) {
    auto prefix = std::string(name) + ":";
    if (option.rfind(prefix, 0) != 0) return fallback;
    try {
        return std::clamp(std::stoi(option.substr(prefix.size())), low, high);
    } catch (const std::exception&) {
        return fallback;
    }
}

}  // namespace

ResolverConfig parse_resolv_conf(std::string_view text) {
    ResolverConfig config;
    std::istringstream lines{std::string(text)};
    std::string line;
    while (std::getline(lines, line)) {
        if (auto comment = line.find_first_of("#;"); comment != std::string::npos) line.erase(comment);
        std::istringstream words(line);
        std::string keyword;
        if (!(words >> keyword)) continue;
        if (keyword == "nameserver") {
            std::string address;
            // The C library takes three at most (MAXNS).
            if (words >> address && config.nameservers.size() < 3) {
                if (auto parsed = wire::IpAddress::parse(address)) config.nameservers.push_back(*parsed);
            }
        } else if (keyword == "search" || keyword == "domain") {
            config.search.clear();
            std::string domain;
            while (words >> domain) {
                if (auto parsed = wire::DnsName::parse(domain)) config.search.push_back(*parsed);
            }
        } else if (keyword == "options") {
            std::string option;
            while (words >> option) {
                config.ndots = option_value(option, "ndots", config.ndots, 0, 15);
                config.timeout = std::chrono::seconds(option_value(
                    option, "timeout", static_cast<int>(config.timeout.count() / 1000), 1, 30));
                config.attempts = option_value(option, "attempts", config.attempts, 1, 5);
            }
        }
    }
    if (config.nameservers.empty()) config.nameservers.push_back(*wire::IpAddress::parse("127.0.0.1"));
    return config;
}

tl::expected<std::vector<wire::DnsName>, std::string> names_to_ask(std::string_view name, const ResolverConfig& config) {
    auto parsed = wire::DnsName::parse(name);
    if (!parsed) return tl::unexpected(parsed.error());
    if (!name.empty() && name.back() == '.') return std::vector<wire::DnsName>{*parsed};
    std::vector<wire::DnsName> searched;
    for (const auto& domain : config.search) {
        auto candidate = *parsed;
        candidate.labels.insert(candidate.labels.end(), domain.labels.begin(), domain.labels.end());
        if (candidate.wire_length() <= wire::DnsName::kMaximumWire) searched.push_back(std::move(candidate));
    }
    auto dots = static_cast<int>(std::count(name.begin(), name.end(), '.'));
    std::vector<wire::DnsName> names;
    if (dots >= config.ndots) names.push_back(*parsed);
    names.insert(names.end(), searched.begin(), searched.end());
    if (dots < config.ndots) names.push_back(*parsed);
    return names;
}

std::vector<wire::DnsRecord> answer_chain(const wire::DnsMessage& response, const wire::DnsQuestion& question) {
    std::vector<wire::DnsRecord> chain;
    auto name = question.name;
    // A chain longer than the answer section can only be a loop.
    for (std::size_t step = 0; step <= response.answers.size(); ++step) {
        bool found = false;
        for (const auto& record : response.answers) {
            if (record.name.equals(name) && (record.type == question.type || question.type == wire::dns_type::kAny)) {
                chain.push_back(record);
                found = true;
            }
        }
        if (found) return chain;
        auto cname = std::find_if(response.answers.begin(), response.answers.end(), [&](const wire::DnsRecord& record) {
            return record.type == wire::dns_type::kCname && record.name.equals(name);
        });
        if (cname == response.answers.end()) return chain;
        chain.push_back(*cname);
        name = std::get<wire::DnsName>(cname->data);
    }
    return chain;
}

}  // namespace emu::host
