#include "nodes/dnsd/authority.hpp"

#include <algorithm>
#include <stdexcept>

namespace emu::dns {
namespace {

using wire::DnsMessage;
using wire::DnsName;
using wire::DnsRecord;
namespace dns_type = wire::dns_type;
namespace dns_rcode = wire::dns_rcode;

// RFC 1034 §4.3.2: a CNAME chain is followed inside our data; a loop, or a chain longer than
// this, ends where it is.
constexpr int kMaximumChain = 8;

DnsMessage response_to(const DnsMessage& query) {
    DnsMessage response;
    response.header.id = query.header.id;
    response.header.response = true;
    response.header.opcode = query.header.opcode;
    response.header.recursion_desired = query.header.recursion_desired;
    response.header.checking_disabled = query.header.checking_disabled;
    response.questions = query.questions;
    return response;
}

// Where, in a name's key, the suffix that holds its last `depth` labels begins.
std::size_t suffix_offset(const DnsName& name, std::size_t depth) {
    std::size_t offset = 0;
    for (std::size_t i = 0; i + depth < name.labels.size(); ++i) offset += 1 + name.labels[i].size();
    return offset;
}

bool has_type(const std::vector<const DnsRecord*>& records, std::uint16_t type) {
    return std::any_of(records.begin(), records.end(), [&](const DnsRecord* record) { return record->type == type; });
}

// What a question for a type that names no data gets (ANY aside, which is answered).
struct TypeRefusal {
    std::uint8_t rcode;
    const char* event;
};

std::optional<TypeRefusal> refusal_for(std::uint16_t type) {
    if (wire::dns_type_is_data(type) || type == dns_type::kAny) return std::nullopt;
    switch (type) {
        case dns_type::kAxfr:
        case dns_type::kIxfr:
            // RFC 5936 §2.2: a transfer is answered with the whole zone, or with an error; §4.2
            // lets a server refuse one by policy. Zone transfer is not served yet, so NOTIMP
            // ("that kind of query is not supported", RFC 1035 §4.1.1) would be true too, but
            // REFUSED is what a client meets from a server that does not transfer to it (BIND
            // without allow-transfer), and stays the answer for clients not allowed once
            // transfers are served.
            return TypeRefusal{dns_rcode::kRefused, "dns.transfer_refused"};
        case dns_type::kTkey:
        case dns_type::kMailb:
        case dns_type::kMaila:
            // Questions that mean something, but not here: TKEY negotiates a key (RFC 2930),
            // MAILA and MAILB asked for mail records long obsolete (RFC 1035 §3.2.3).
            return TypeRefusal{dns_rcode::kNotImp, "dns.notimp"};
        default:
            // Type 0 (RFC 6895 §3.1: never a type), OPT and TSIG (pseudo-records of one message,
            // RFC 6891 §6.1.1, RFC 8945 §4) and the unassigned meta-types cannot be asked for:
            // the question itself is wrong. RFC 9824 §3.5 notes servers answer such types with
            // an error, and wants FORMERR for the first of them, NXNAME (128).
            return TypeRefusal{dns_rcode::kFormErr, "dns.formerr"};
    }
}

}  // namespace

std::string name_key(const DnsName& name) {
    // Each label as its length and its bytes, ASCII letters lowered (RFC 4343 §3: only those
    // compare without case): unambiguous even for labels with dots in them, and no escaping.
    std::string key;
    key.reserve(name.wire_length());
    for (const auto& label : name.labels) {
        key += static_cast<char>(label.size());
        for (char c : label) key += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return key;
}

Authority::Authority(std::vector<Zone> zones) {
    zones_.reserve(zones.size());
    for (auto& zone : zones) {
        IndexedZone indexed;
        indexed.zone = std::move(zone);
        zones_.push_back(std::move(indexed));
    }
    // Indexed once every zone has its place: the index points into the records.
    for (auto& indexed : zones_) {
        const auto& origin = indexed.zone.origin;
        bool have_soa = false;
        for (const auto& record : indexed.zone.records) {
            if (!record.name.is_within(origin)) {
                throw std::invalid_argument(record.name.to_string() + " is not in the zone " + origin.to_string());
            }
            if (record.type == dns_type::kSoa && record.name.equals(origin)) {
                indexed.soa = record;
                have_soa = true;
            }
            auto key = name_key(record.name);
            // Its ancestors down to the origin have names below them.
            for (auto depth = origin.labels.size(); depth < record.name.labels.size(); ++depth) {
                indexed.with_names_below.insert(key.substr(suffix_offset(record.name, depth)));
            }
            indexed.by_name[std::move(key)].push_back(&record);
        }
        if (!have_soa) throw std::invalid_argument("the zone " + origin.to_string() + " has no SOA record at its origin");
    }
}

std::size_t Authority::udp_limit(const DnsMessage& query) {
    auto edns = query.edns();
    if (!edns) return DnsMessage::kClassicUdpSize;
    return std::clamp<std::size_t>(edns->udp_payload_size, DnsMessage::kClassicUdpSize, kUdpPayloadSize);
}

const Authority::IndexedZone* Authority::zone_for(const DnsName& name) const {
    // The closest enclosing zone: the one with the longest origin above the name.
    const IndexedZone* best = nullptr;
    for (const auto& indexed : zones_) {
        if (name.is_within(indexed.zone.origin) &&
            (best == nullptr || indexed.zone.origin.labels.size() > best->zone.origin.labels.size())) {
            best = &indexed;
        }
    }
    return best;
}

const Authority::RecordSet* Authority::records_at(const IndexedZone& zone, std::string_view key) const {
    auto it = zone.by_name.find(key);
    return it == zone.by_name.end() ? nullptr : &it->second;
}

const Authority::RecordSet* Authority::delegation(const IndexedZone& zone, const DnsName& name, std::string_view key,
                                                  DnsName& cut) const {
    // From just below the apex down to the name itself: the first NS RRset is a zone cut.
    auto apex_depth = zone.zone.origin.labels.size();
    for (auto depth = apex_depth + 1; depth <= name.labels.size(); ++depth) {
        const auto* records = records_at(zone, key.substr(suffix_offset(name, depth)));
        if (records != nullptr && has_type(*records, dns_type::kNs)) {
            cut.labels.assign(name.labels.end() - static_cast<std::ptrdiff_t>(depth), name.labels.end());
            return records;
        }
    }
    return nullptr;
}

void Authority::add_addresses_of(const DnsName& target, DnsMessage& response) const {
    const auto* zone = zone_for(target);
    if (zone == nullptr) return;
    const auto* records = records_at(*zone, name_key(target));
    if (records == nullptr) return;
    for (const auto* record : *records) {
        if (record->type != dns_type::kA && record->type != dns_type::kAaaa) continue;
        if (std::find(response.additionals.begin(), response.additionals.end(), *record) == response.additionals.end()) {
            response.additionals.push_back(*record);
        }
    }
}

void Authority::add_negative_soa(const IndexedZone& zone, DnsMessage& response) const {
    // RFC 2308 §3: the SOA goes in the authority section, its TTL the lesser of its own and
    // its minimum field, so that a resolver caches the negative answer that long.
    auto soa = zone.soa;
    soa.ttl = std::min(soa.ttl, std::get<wire::DnsSoa>(soa.data).minimum);
    response.authorities.push_back(std::move(soa));
}

std::optional<wire::DnsMessage> Authority::format_error(wire::Bytes bytes) {
    if (bytes.size() < DnsMessage::kHeaderSize) return std::nullopt;
    if ((bytes[2] & 0x80) != 0) return std::nullopt;  // a response: never answered
    ++counters_.formerr;
    DnsMessage response;
    response.header.id = static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
    response.header.response = true;
    response.header.opcode = static_cast<std::uint8_t>((bytes[2] >> 3) & 0x0f);
    response.header.rcode = dns_rcode::kFormErr;
    return response;
}

std::optional<Answer> Authority::answer(const DnsMessage& query) {
    if (query.header.response) return std::nullopt;
    ++counters_.queries;
    Answer result{response_to(query), ""};
    auto& response = result.response;
    auto edns = query.edns();
    // RFC 3225 §3: the DO bit of the query is copied into the response, though nothing here
    // is signed (so no RRSIG follows).
    auto our_edns = [&](std::uint8_t extended_rcode) {
        return wire::Edns{kUdpPayloadSize, extended_rcode, 0, edns->dnssec_ok, {}};
    };
    if (edns) response.set_edns(our_edns(0));

    if (query.header.opcode != 0) {
        // RFC 1035 §4.1.1: only standard queries here (no IQUERY, NOTIFY or UPDATE).
        ++counters_.notimp;
        response.header.rcode = dns_rcode::kNotImp;
        result.event = "dns.notimp";
        return result;
    }
    if (query.questions.size() != 1 ||
        std::count_if(query.additionals.begin(), query.additionals.end(),
                      [](const DnsRecord& record) { return record.type == dns_type::kOpt; }) > 1) {
        // RFC 7766 §6.2 and common practice: exactly one question; RFC 6891 §6.1.1: at most one OPT.
        ++counters_.formerr;
        response.header.rcode = dns_rcode::kFormErr;
        response.questions.clear();
        result.event = "dns.formerr";
        return result;
    }
    if (edns && edns->version != 0) {
        // RFC 6891 §6.1.3: BADVERS, the extended RCODE 16, with our own version, 0.
        response.set_edns(our_edns(1));
        result.event = "dns.badvers";
        return result;
    }
    const auto& question = query.questions[0];
    if (auto refusal = refusal_for(question.type)) {
        auto& counter = refusal->rcode == dns_rcode::kRefused  ? counters_.refused
                        : refusal->rcode == dns_rcode::kNotImp ? counters_.notimp
                                                               : counters_.formerr;
        ++counter;
        response.header.rcode = refusal->rcode;
        result.event = refusal->event;
        return result;
    }
    const auto* zone = question.klass == wire::dns_class::kIn || question.klass == wire::dns_class::kAny
                           ? zone_for(question.name)
                           : nullptr;
    if (zone == nullptr) {
        // Not ours, and there is no recursion here (RFC 1034 §4.3.1: REFUSED by policy).
        ++counters_.refused;
        response.header.rcode = dns_rcode::kRefused;
        result.event = "dns.refused";
        return result;
    }

    DnsName cut;
    auto key = name_key(question.name);
    if (const auto* ns = delegation(*zone, question.name, key, cut)) {
        // RFC 1034 §4.3.2 step 3b: below a zone cut we are not the authority: a referral,
        // with the NS records and the glue addresses we hold for them.
        ++counters_.referrals;
        for (const auto* record : *ns) {
            if (record->type != dns_type::kNs) continue;
            response.authorities.push_back(*record);
            add_addresses_of(std::get<DnsName>(record->data), response);
        }
        result.event = "dns.referral";
        return result;
    }

    response.header.authoritative = true;
    const DnsName* name = &question.name;
    std::vector<std::string> seen;  // the chain's names, a few at most
    for (int step = 0; step < kMaximumChain; ++step) {
        const auto* records = records_at(*zone, key);
        seen.push_back(std::move(key));
        if (records == nullptr) {
            if (step > 0) break;  // a CNAME to nothing: the chain is the answer (RFC 1034 §4.3.2)
            if (zone->with_names_below.contains(seen.back())) {
                ++counters_.nodata;
                add_negative_soa(*zone, response);
                result.event = "dns.nodata";
            } else {
                ++counters_.nxdomain;
                response.header.rcode = dns_rcode::kNxDomain;
                add_negative_soa(*zone, response);
                result.event = "dns.nxdomain";
            }
            return result;
        }
        // RFC 8482 §4.1: ANY gets one RRset of the name, not all of them — the first in zone
        // order. That is a true, cacheable answer a learner can read in the zone, where a
        // synthesized HINFO (§4.2) would be a record that is written nowhere. §4.4 lets TCP
        // have the whole set; here a question gets the same answer over either transport.
        const auto wanted = question.type == dns_type::kAny ? records->front()->type : question.type;
        std::size_t before = response.answers.size();
        for (const auto* record : *records) {
            if (record->type == wanted) response.answers.push_back(*record);
        }
        if (response.answers.size() > before) break;
        const DnsRecord* cname = nullptr;
        for (const auto* record : *records) {
            if (record->type == dns_type::kCname) cname = record;
        }
        if (cname == nullptr || question.type == dns_type::kCname) {
            if (step == 0) {
                ++counters_.nodata;
                add_negative_soa(*zone, response);
                result.event = "dns.nodata";
                return result;
            }
            break;
        }
        response.answers.push_back(*cname);
        name = &std::get<DnsName>(cname->data);
        key = name_key(*name);
        // Followed only inside this zone, and never round a loop.
        if (!name->is_within(zone->zone.origin) || std::find(seen.begin(), seen.end(), key) != seen.end()) break;
        if (DnsName inner_cut; delegation(*zone, *name, key, inner_cut) != nullptr) break;
    }
    // Additional section processing (RFC 1034 §3.7, RFC 2782): the addresses of the names
    // an answer points to, when we hold them (only the additional section grows meanwhile).
    for (const auto& record : response.answers) {
        if (const auto* mx = std::get_if<wire::DnsMx>(&record.data)) add_addresses_of(mx->exchange, response);
        if (const auto* srv = std::get_if<wire::DnsSrv>(&record.data)) add_addresses_of(srv->target, response);
        if (record.type == dns_type::kNs) add_addresses_of(std::get<DnsName>(record.data), response);
    }
    ++counters_.answers;
    result.event = "dns.answer";
    return result;
}

}  // namespace emu::dns
