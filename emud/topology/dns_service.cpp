#include "emud/topology/dns_service.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include "emud/topology/services.hpp"
#include "lib/util/files.hpp"
#include "lib/wire/dns_zone.hpp"

namespace emu::topology {
namespace {

using nlohmann::json;
using wire::DnsName;
using wire::DnsRecord;
namespace dns_type = wire::dns_type;

const std::vector<std::string> kKeys{"zones"};
const std::vector<std::string> kZoneKeys{"records", "file", "ttl"};
// Larger than any zone a lab needs; a bound so that a wrong path (a disk image, /dev/zero)
// fails with a message instead of filling emud's memory.
constexpr std::size_t kMaxZoneFileBytes = 16 * 1024 * 1024;

class DnsChecker {
public:
    DnsChecker(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics)
        : lab_(lab), node_(node), service_(service), diagnostics_(diagnostics) {}

    json run() {
        const auto& config = service_.config;
        if (!config.is_object() || !config.contains("zones") || !config["zones"].is_object() || config["zones"].empty()) {
            error("", "`dns` of '" + node_.name + "' needs its zones",
                  "e.g. dns: {zones: {example.com: [www A 10.0.2.80, mail A 10.0.2.25, \"@ MX 10 mail\"]}}");
            return nullptr;
        }
        for (auto it = config.begin(); it != config.end(); ++it) {
            if (std::find(kKeys.begin(), kKeys.end(), it.key()) == kKeys.end()) {
                error("/" + pointer_token(it.key()), "unknown key '" + it.key() + "' in the dns settings of '" + node_.name + "'",
                      suggestion(it.key(), kKeys, "keys"));
            }
        }
        auto problems_before = diagnostics_.error_count();
        json zones = json::array();
        for (auto it = config["zones"].begin(); it != config["zones"].end(); ++it) {
            auto made = zone(it.key(), it.value(), "/zones/" + pointer_token(it.key()));
            if (made) zones.push_back({{"origin", made->first}, {"text", made->second}});
        }
        if (diagnostics_.error_count() > problems_before) return nullptr;
        return {{"zones", zones}};
    }

private:
    void error(const std::string& pointer, const std::string& message, const std::string& hint = {}) {
        diagnostics_.error(service_.spot(pointer), message, hint);
    }

    // The zone's origin and its text for emu-dnsd, one record to a line with absolute names.
    std::optional<std::pair<std::string, std::string>> zone(const std::string& key, const json& value,
                                                            const std::string& pointer) {
        auto origin = DnsName::parse(key);
        if (!origin) {
            error(pointer, "zone '" + key + "': " + origin.error());
            return std::nullopt;
        }
        std::uint32_t ttl = 3600;
        const json* lines = &value;
        std::string records_pointer = pointer;
        std::optional<std::string> file;
        if (value.is_object()) {
            for (auto it = value.begin(); it != value.end(); ++it) {
                if (std::find(kZoneKeys.begin(), kZoneKeys.end(), it.key()) == kZoneKeys.end()) {
                    error(pointer + "/" + pointer_token(it.key()), "unknown key '" + it.key() + "' in zone " + key,
                          suggestion(it.key(), kZoneKeys, "keys"));
                }
            }
            if (auto it = value.find("ttl"); it != value.end()) {
                auto parsed = it->is_number_unsigned() ? std::optional<std::uint32_t>(it->get<std::uint32_t>())
                                                       : it->is_string() ? wire::parse_zone_ttl(it->get<std::string>())
                                                                         : std::nullopt;
                if (!parsed) error(pointer + "/ttl", "`ttl` of zone " + key + " must be a TTL: 3600, 1h, 1h30m …");
                ttl = parsed.value_or(ttl);
            }
            lines = value.contains("records") ? &value["records"] : nullptr;
            records_pointer = pointer + "/records";
            if (auto it = value.find("file"); it != value.end()) {
                records_pointer = pointer + "/file";
                if (lines != nullptr) {
                    error(records_pointer, "zone " + key + " has both `records` and `file`", "choose one");
                    return std::nullopt;
                }
                if (!it->is_string() || it->get<std::string>().empty()) {
                    error(records_pointer, "`file` of zone " + key + " is the path of a zone file, not " + shown(*it));
                    return std::nullopt;
                }
                file = it->get<std::string>();
            }
        }
        std::optional<std::vector<DnsRecord>> read;
        if (file) {
            read = records_from_file(key, *file, *origin, ttl, records_pointer);
        } else if (lines == nullptr || !lines->is_array()) {
            error(records_pointer, "zone " + key + " needs its records: a list of lines like `www A 10.0.2.80`, or a `file`");
            return std::nullopt;
        } else {
            read = records_from_lines(key, *lines, *origin, ttl, records_pointer);
        }
        if (!read) return std::nullopt;
        auto& records = *read;
        check_cnames(records, records_pointer);
        complete(*origin, records, ttl);
        std::string text;
        for (const auto& record : records) text += wire::zone_line(record) + "\n";
        return std::make_pair(origin->to_string(), text);
    }

    // One record (or, with parentheses, one entry) per list item; each mistake is reported at
    // its item, and the good lines are still returned so that later checks see them too.
    std::vector<DnsRecord> records_from_lines(const std::string& key, const json& lines,
                                                             const DnsName& origin, std::uint32_t ttl,
                                                             const std::string& pointer) {
        std::vector<DnsRecord> records;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            auto item_pointer = pointer + "/" + std::to_string(i);
            const auto& line = lines[i];
            if (!line.is_string()) {
                error(item_pointer, "a record of zone " + key + " is a line of text, like `www A 10.0.2.80`, not " +
                                        shown(line));
                continue;
            }
            auto parsed = wire::parse_zone_text(line.get<std::string>(), origin, ttl);
            if (!parsed) {
                error(item_pointer, "record `" + shown(line).substr(1, shown(line).size() - 2) + "` of zone " + key +
                                        ": " + parsed.error().message);
                continue;
            }
            for (auto& record : *parsed) {
                if (!record.name.is_within(origin)) {
                    error(item_pointer, record.name.to_string() + " is not in the zone " + origin.to_string());
                    continue;
                }
                records.push_back(std::move(record));
            }
        }
        return records;
    }

    // A standard zone file (RFC 1035 §5), read now so that a mistake in it stops `emu up`
    // before anything is made; its path is relative to the topology file's folder.
    std::optional<std::vector<DnsRecord>> records_from_file(const std::string& key, const std::string& name,
                                                            const DnsName& origin, std::uint32_t ttl,
                                                            const std::string& pointer) {
        auto beside = path_beside_topology(lab_, name);
        if (!beside) {
            error(pointer, "zone file " + name + " is relative, and the topology has no folder to be relative to",
                  "write an absolute path");
            return std::nullopt;
        }
        std::filesystem::path path = *beside;
        auto text = util::read_regular_file(path, kMaxZoneFileBytes);
        if (!text) {
            error(pointer, "zone file " + path.string() + " of zone " + key + " " + text.error());
            return std::nullopt;
        }
        auto parsed = wire::parse_zone_text(*text, origin, ttl);
        if (!parsed) {
            error(pointer, name + ":" + std::to_string(parsed.error().line) + ":" +
                               std::to_string(parsed.error().column) + ": " + parsed.error().message);
            return std::nullopt;
        }
        for (const auto& record : *parsed) {
            if (!record.name.is_within(origin)) {
                // BIND calls this "out of zone data" and skips it; a lab is better served by an error.
                error(pointer, "zone file " + name + ": " + record.name.to_string() + " is not in the zone " +
                                   origin.to_string());
                return std::nullopt;
            }
        }
        return std::move(*parsed);
    }

    // RFC 1034 §3.6.2: a name with a CNAME has no other data.
    void check_cnames(const std::vector<DnsRecord>& records, const std::string& pointer) {
        std::map<std::string, std::pair<int, int>> counts;  // name → (CNAMEs, others)
        for (const auto& record : records) {
            auto& count = counts[record.name.to_string()];
            (record.type == dns_type::kCname ? count.first : count.second)++;
        }
        for (const auto& [name, count] : counts) {
            if (count.first > 0 && count.first + count.second > 1) {
                error(pointer, name + " has a CNAME and other records",
                      "a name with a CNAME is only an alias (RFC 1034 §3.6.2): move the other records to its target");
            }
        }
    }

    // A zone written as a few lines still needs its SOA and NS: they name this node as
    // `ns.ZONE`, with its first IPv4 address, unless the records say otherwise.
    void complete(const DnsName& origin, std::vector<DnsRecord>& records, std::uint32_t ttl) {
        auto at_apex = [&](std::uint16_t type) {
            return std::any_of(records.begin(), records.end(),
                               [&](const DnsRecord& r) { return r.type == type && r.name.equals(origin); });
        };
        DnsName server = origin;
        server.labels.insert(server.labels.begin(), "ns");
        if (!at_apex(dns_type::kNs)) {
            records.insert(records.begin(), DnsRecord{origin, dns_type::kNs, wire::dns_class::kIn, ttl, server});
            bool has_address = std::any_of(records.begin(), records.end(), [&](const DnsRecord& r) {
                return r.name.equals(server) && (r.type == dns_type::kA || r.type == dns_type::kAaaa);
            });
            if (!has_address) {
                for (const auto& interface : node_.interfaces) {
                    for (const auto& address : interface.addresses) {
                        if (address.prefix.address.is_v4() && !has_address) {
                            records.push_back({server, dns_type::kA, wire::dns_class::kIn, ttl, address.prefix.address.v4()});
                            has_address = true;
                        }
                    }
                }
            }
        }
        if (!at_apex(dns_type::kSoa)) {
            DnsName mailbox = origin;
            mailbox.labels.insert(mailbox.labels.begin(), "hostmaster");
            // RFC 1912 §2.2's suggestions for the timers; 300 s of negative caching.
            records.insert(records.begin(), DnsRecord{origin, dns_type::kSoa, wire::dns_class::kIn, ttl,
                                                      wire::DnsSoa{server, mailbox, 1, 3600, 600, 86400, 300}});
        }
    }

    const Lab& lab_;
    const Node& node_;
    Service& service_;
    Diagnostics& diagnostics_;
};

}  // namespace

void check_dns_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics) {
    DnsChecker checker(lab, node, service, diagnostics);
    service.program_config = checker.run();
}

}  // namespace emu::topology
