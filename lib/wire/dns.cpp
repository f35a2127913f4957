#include "lib/wire/dns.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include <fmt/format.h>

namespace emu::wire {
namespace {

struct TypeName {
    std::uint16_t type;
    const char* name;
};
constexpr std::array<TypeName, 17> kTypeNames{{{dns_type::kA, "A"},
                                               {dns_type::kNs, "NS"},
                                               {dns_type::kCname, "CNAME"},
                                               {dns_type::kSoa, "SOA"},
                                               {dns_type::kPtr, "PTR"},
                                               {dns_type::kMx, "MX"},
                                               {dns_type::kTxt, "TXT"},
                                               {dns_type::kAaaa, "AAAA"},
                                               {dns_type::kSrv, "SRV"},
                                               {dns_type::kOpt, "OPT"},
                                               {dns_type::kTkey, "TKEY"},
                                               {dns_type::kTsig, "TSIG"},
                                               {dns_type::kIxfr, "IXFR"},
                                               {dns_type::kAxfr, "AXFR"},
                                               {dns_type::kMailb, "MAILB"},
                                               {dns_type::kMaila, "MAILA"},
                                               {dns_type::kAny, "ANY"}}};

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool same_label(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// RFC 1035 §4.1.4: a name is labels, ended by the root's zero length or by a pointer to
// where the rest of it was written before. Every pointer must point before the start of
// the labels that led to it, so the floor only goes down and no loop can form.
DnsName read_name(Reader& in, Bytes message) {
    DnsName name;
    std::size_t wire_length = 1;
    std::size_t floor = in.offset();
    Reader* cursor = &in;
    Reader jumped(message);
    while (!cursor->failed()) {
        auto length = cursor->u8("name label length");
        if (cursor->failed()) break;
        if (length == 0) return name;
        if ((length & 0xc0) == 0xc0) {
            auto low = cursor->u8("name pointer");
            std::size_t target = static_cast<std::size_t>(length & 0x3f) << 8 | low;
            if (cursor->failed()) break;
            if (target >= floor) {
                in.fail(fmt::format("name pointer to {} does not point back before {}", target, floor));
                return name;
            }
            floor = target;
            jumped = Reader(message);
            jumped.skip(target, "name pointer");
            cursor = &jumped;
            continue;
        }
        if ((length & 0xc0) != 0) {
            in.fail(fmt::format("label type 0x{:02x} (RFC 6891 §5 retired extended labels)", length & 0xc0));
            return name;
        }
        wire_length += length + 1u;
        if (wire_length > DnsName::kMaximumWire) {
            in.fail("name longer than 255 bytes");
            return name;
        }
        auto label = cursor->bytes(length, "name label");
        name.labels.emplace_back(label.begin(), label.end());
    }
    if (cursor != &in && !in.failed()) in.fail("name pointer past the end: " + cursor->error().what);
    return name;
}

DnsQuestion read_question(Reader& in, Bytes message) {
    DnsQuestion question;
    question.name = read_name(in, message);
    question.type = in.u16("question type");
    question.klass = in.u16("question class");
    return question;
}

DnsRdata read_rdata(Reader& in, Bytes message, std::uint16_t type, std::size_t length) {
    std::size_t end = in.offset() + length;
    if (length > in.remaining()) {
        in.skip(length, "record data");
        return {};
    }
    // RFC 2136 §2.5: an update deletes with empty data, whatever the type.
    if (length == 0) return std::vector<std::uint8_t>{};
    auto within = [&](DnsRdata data) -> DnsRdata {
        if (!in.failed() && in.offset() != end) {
            in.fail(fmt::format("{} data of {} bytes where RDLENGTH says {}", dns_type_name(type),
                                in.offset() + length - end, length));
        }
        return data;
    };
    switch (type) {
        case dns_type::kA: {
            if (length != 4) break;
            return Ipv4Address{in.u32("A address")};
        }
        case dns_type::kAaaa: {
            if (length != 16) break;
            Ipv6Address address;
            auto bytes = in.bytes(16, "AAAA address");
            std::copy(bytes.begin(), bytes.end(), address.bytes.begin());
            return address;
        }
        case dns_type::kNs:
        case dns_type::kCname:
        case dns_type::kPtr:
            return within(read_name(in, message));
        case dns_type::kSoa: {
            DnsSoa soa;
            soa.primary = read_name(in, message);
            soa.responsible = read_name(in, message);
            soa.serial = in.u32("SOA serial");
            soa.refresh = in.u32("SOA refresh");
            soa.retry = in.u32("SOA retry");
            soa.expire = in.u32("SOA expire");
            soa.minimum = in.u32("SOA minimum");
            return within(soa);
        }
        case dns_type::kMx: {
            DnsMx mx;
            mx.preference = in.u16("MX preference");
            mx.exchange = read_name(in, message);
            return within(mx);
        }
        case dns_type::kSrv: {
            DnsSrv srv;
            srv.priority = in.u16("SRV priority");
            srv.weight = in.u16("SRV weight");
            srv.port = in.u16("SRV port");
            srv.target = read_name(in, message);
            return within(srv);
        }
        case dns_type::kTxt: {
            DnsText text;
            while (!in.failed() && in.offset() < end) {
                auto size = in.u8("TXT string length");
                auto bytes = in.bytes(size, "TXT string");
                text.strings.emplace_back(bytes.begin(), bytes.end());
            }
            return within(text);
        }
        case dns_type::kOpt: {
            std::vector<DnsOption> options;
            while (!in.failed() && in.offset() < end) {
                DnsOption option;
                option.code = in.u16("EDNS option code");
                auto size = in.u16("EDNS option length");
                auto bytes = in.bytes(size, "EDNS option data");
                option.data.assign(bytes.begin(), bytes.end());
                options.push_back(std::move(option));
            }
            return within(options);
        }
        default:
            break;
    }
    if (type == dns_type::kA || type == dns_type::kAaaa) {
        in.fail(fmt::format("{} data of {} bytes", dns_type_name(type), length));
        return {};
    }
    auto bytes = in.bytes(length, "record data");
    return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
}

DnsRecord read_record(Reader& in, Bytes message) {
    DnsRecord record;
    record.name = read_name(in, message);
    record.type = in.u16("record type");
    record.klass = in.u16("record class");
    record.ttl = in.u32("record TTL");
    auto length = in.u16("record RDLENGTH");
    if (in.failed()) return record;
    record.data = read_rdata(in, message, record.type, length);
    return record;
}

// Names written so far, by their labels, with where they start: what later names point to
// (RFC 1035 §4.1.4). Matched with case, so a name reads back as it was written (RFC 4343
// §4.1 asks for case to be preserved).
class NameCompressor {
public:
    explicit NameCompressor(std::vector<std::uint8_t>& out) : out_(out) {}

    void write(const DnsName& name, bool compress) {
        Writer writer(out_);
        for (std::size_t i = 0; i < name.labels.size(); ++i) {
            auto key = suffix_key(name, i);
            if (compress) {
                if (auto it = offsets_.find(key); it != offsets_.end()) {
                    writer.u16(static_cast<std::uint16_t>(0xc000 | it->second));
                    return;
                }
            }
            // Pointers hold 14 bits: a name starting further in cannot be pointed to.
            if (out_.size() < 0x4000) offsets_.emplace(std::move(key), static_cast<std::uint16_t>(out_.size()));
            const auto& label = name.labels[i];
            writer.u8(static_cast<std::uint8_t>(label.size()));
            writer.bytes(Bytes(reinterpret_cast<const std::uint8_t*>(label.data()), label.size()));
        }
        writer.u8(0);
    }

private:
    static std::string suffix_key(const DnsName& name, std::size_t from) {
        std::string key;
        for (std::size_t i = from; i < name.labels.size(); ++i) {
            key += static_cast<char>(name.labels[i].size());
            key += name.labels[i];
        }
        return key;
    }

    std::vector<std::uint8_t>& out_;
    std::map<std::string, std::uint16_t> offsets_;
};

void write_rdata(std::vector<std::uint8_t>& out, NameCompressor& names, const DnsRdata& data) {
    Writer writer(out);
    std::visit(
        [&](const auto& value) {
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) {
                writer.bytes(value);
            } else if constexpr (std::is_same_v<T, Ipv4Address>) {
                writer.u32(value.value);
            } else if constexpr (std::is_same_v<T, Ipv6Address>) {
                writer.bytes(value.bytes);
            } else if constexpr (std::is_same_v<T, DnsName>) {
                names.write(value, true);
            } else if constexpr (std::is_same_v<T, DnsSoa>) {
                names.write(value.primary, true);
                names.write(value.responsible, true);
                for (auto field : {value.serial, value.refresh, value.retry, value.expire, value.minimum}) writer.u32(field);
            } else if constexpr (std::is_same_v<T, DnsMx>) {
                writer.u16(value.preference);
                names.write(value.exchange, true);
            } else if constexpr (std::is_same_v<T, DnsText>) {
                for (const auto& text : value.strings) {
                    writer.u8(static_cast<std::uint8_t>(text.size()));
                    writer.bytes(Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
                }
            } else if constexpr (std::is_same_v<T, DnsSrv>) {
                writer.u16(value.priority);
                writer.u16(value.weight);
                writer.u16(value.port);
                names.write(value.target, false);  // RFC 2782: the target is never compressed
            } else if constexpr (std::is_same_v<T, std::vector<DnsOption>>) {
                for (const auto& option : value) {
                    writer.u16(option.code);
                    writer.u16(static_cast<std::uint16_t>(option.data.size()));
                    writer.bytes(option.data);
                }
            }
        },
        data);
}

void write_record(std::vector<std::uint8_t>& out, NameCompressor& names, const DnsRecord& record) {
    names.write(record.name, true);
    Writer writer(out);
    writer.u16(record.type);
    writer.u16(record.klass);
    writer.u32(record.ttl);
    auto length_at = out.size();
    writer.u16(0);
    write_rdata(out, names, record.data);
    auto length = out.size() - length_at - 2;
    out[length_at] = static_cast<std::uint8_t>(length >> 8);
    out[length_at + 1] = static_cast<std::uint8_t>(length);
}

bool same_rrset(const DnsRecord& a, const DnsRecord& b) {
    return a.type == b.type && a.klass == b.klass && a.name.equals(b.name);
}

}  // namespace

std::string dns_type_name(std::uint16_t type) {
    for (const auto& entry : kTypeNames) {
        if (entry.type == type) return entry.name;
    }
    return "TYPE" + std::to_string(type);
}

bool dns_type_is_data(std::uint16_t type) {
    // RFC 6895 §3.1: 1–127 and from 256 on are data types; 128–255 are QTYPEs and meta-types,
    // and OPT, the one meta-type outside that range, was given 41.
    return type != 0 && type != dns_type::kOpt && (type < 128 || type > 255);
}

std::optional<std::uint16_t> dns_type_from_name(std::string_view name) {
    std::string upper(name);
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const auto& entry : kTypeNames) {
        if (upper == entry.name) return entry.type;
    }
    if (upper.size() > 4 && upper.compare(0, 4, "TYPE") == 0 && upper.size() <= 9) {
        std::uint32_t value = 0;
        for (std::size_t i = 4; i < upper.size(); ++i) {
            if (!std::isdigit(static_cast<unsigned char>(upper[i]))) return std::nullopt;
            value = value * 10 + static_cast<std::uint32_t>(upper[i] - '0');
        }
        if (value <= 0xffff) return static_cast<std::uint16_t>(value);
    }
    return std::nullopt;
}

std::string dns_rcode_name(std::uint8_t rcode) {
    switch (rcode) {
        case dns_rcode::kNoError: return "NOERROR";
        case dns_rcode::kFormErr: return "FORMERR";
        case dns_rcode::kServFail: return "SERVFAIL";
        case dns_rcode::kNxDomain: return "NXDOMAIN";
        case dns_rcode::kNotImp: return "NOTIMP";
        case dns_rcode::kRefused: return "REFUSED";
    }
    return "RCODE" + std::to_string(rcode);
}

tl::expected<DnsName, std::string> DnsName::parse(std::string_view text) {
    DnsName name;
    if (text == ".") return name;
    if (text.empty()) return tl::unexpected(std::string("an empty name (the root is written \".\")"));
    std::string label;
    std::size_t wire = 1;
    auto finish_label = [&]() -> bool {
        if (label.empty() || label.size() > kMaximumLabel) return false;
        wire += label.size() + 1;
        name.labels.push_back(std::move(label));
        label.clear();
        return true;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '.') {
            if (!finish_label()) return tl::unexpected("an empty label or one over 63 bytes in '" + std::string(text) + "'");
            continue;
        }
        if (c != '\\') {
            label += c;
            continue;
        }
        if (i + 3 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isdigit(static_cast<unsigned char>(text[i + 2])) && std::isdigit(static_cast<unsigned char>(text[i + 3]))) {
            int value = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
            if (value > 255) return tl::unexpected("an escape over \\255 in '" + std::string(text) + "'");
            label += static_cast<char>(value);
            i += 3;
            continue;
        }
        if (i + 1 >= text.size()) return tl::unexpected("a trailing backslash in '" + std::string(text) + "'");
        label += text[++i];
    }
    // The last label, unless the name ended with its dot.
    if (!label.empty() && !finish_label()) return tl::unexpected("a label over 63 bytes in '" + std::string(text) + "'");
    if (wire > kMaximumWire) return tl::unexpected("'" + std::string(text) + "' is longer than 255 bytes on the wire");
    return name;
}

std::string DnsName::to_string() const {
    if (labels.empty()) return ".";
    std::string text;
    for (const auto& label : labels) {
        for (char c : label) {
            auto byte = static_cast<unsigned char>(c);
            // What zone files treat as special is escaped too, as BIND writes it (RFC 1035 §5.1).
            if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == '@' || c == '$') {
                text += '\\';
                text += c;
            } else if (byte <= 0x20 || byte >= 0x7f) {
                text += fmt::format("\\{:03d}", byte);
            } else {
                text += c;
            }
        }
        text += '.';
    }
    return text;
}

std::size_t DnsName::wire_length() const {
    std::size_t length = 1;
    for (const auto& label : labels) length += label.size() + 1;
    return length;
}

bool DnsName::equals(const DnsName& other) const {
    return labels.size() == other.labels.size() &&
           std::equal(labels.begin(), labels.end(), other.labels.begin(), same_label);
}

bool DnsName::is_within(const DnsName& zone) const {
    if (zone.labels.size() > labels.size()) return false;
    return std::equal(zone.labels.rbegin(), zone.labels.rend(), labels.rbegin(), same_label);
}

std::optional<Edns> DnsMessage::edns() const {
    for (const auto& record : additionals) {
        if (record.type != dns_type::kOpt) continue;
        Edns edns;
        edns.udp_payload_size = record.klass;
        edns.extended_rcode = static_cast<std::uint8_t>(record.ttl >> 24);
        edns.version = static_cast<std::uint8_t>(record.ttl >> 16);
        edns.dnssec_ok = (record.ttl & 0x8000) != 0;
        if (const auto* options = std::get_if<std::vector<DnsOption>>(&record.data)) edns.options = *options;
        return edns;
    }
    return std::nullopt;
}

void DnsMessage::set_edns(const Edns& edns) {
    DnsRecord record;
    record.type = dns_type::kOpt;
    record.klass = edns.udp_payload_size;
    record.ttl = std::uint32_t{edns.extended_rcode} << 24 | std::uint32_t{edns.version} << 16 | (edns.dnssec_ok ? 0x8000u : 0u);
    record.data = edns.options;
    auto it = std::find_if(additionals.begin(), additionals.end(),
                           [](const DnsRecord& existing) { return existing.type == dns_type::kOpt; });
    if (it != additionals.end()) {
        *it = std::move(record);
    } else {
        additionals.push_back(std::move(record));
    }
}

Parsed<DnsMessage> parse_dns(Bytes bytes) {
    Reader in(bytes);
    DnsMessage message;
    auto& header = message.header;
    header.id = in.u16("id");
    auto flags = in.u16("flags");
    std::uint16_t counts[4];
    for (auto& count : counts) count = in.u16("section count");
    if (in.failed()) return tl::unexpected(in.error());
    header.response = (flags & 0x8000) != 0;
    header.opcode = static_cast<std::uint8_t>((flags >> 11) & 0x0f);
    header.authoritative = (flags & 0x0400) != 0;
    header.truncated = (flags & 0x0200) != 0;
    header.recursion_desired = (flags & 0x0100) != 0;
    header.recursion_available = (flags & 0x0080) != 0;
    header.zero = (flags & 0x0040) != 0;
    header.authentic_data = (flags & 0x0020) != 0;
    header.checking_disabled = (flags & 0x0010) != 0;
    header.rcode = static_cast<std::uint8_t>(flags & 0x000f);

    // Each entry takes at least 4 (question) or 11 (record) bytes: counts that promise more
    // than the message holds are refused before anything is reserved for them.
    std::size_t least = std::size_t{counts[0]} * 5 + (std::size_t{counts[1]} + counts[2] + counts[3]) * 11;
    if (least > in.remaining()) {
        in.fail(fmt::format("counts of {}, {}, {} and {} entries do not fit in {} bytes", counts[0], counts[1],
                            counts[2], counts[3], in.remaining()));
        return tl::unexpected(in.error());
    }
    for (int i = 0; i < counts[0] && !in.failed(); ++i) message.questions.push_back(read_question(in, bytes));
    std::vector<DnsRecord>* sections[3] = {&message.answers, &message.authorities, &message.additionals};
    for (int section = 0; section < 3; ++section) {
        for (int i = 0; i < counts[section + 1] && !in.failed(); ++i) sections[section]->push_back(read_record(in, bytes));
    }
    if (!in.failed() && in.remaining() != 0) in.fail(fmt::format("{} bytes after the last record", in.remaining()));
    if (in.failed()) return tl::unexpected(in.error());
    return message;
}

void write_dns(Writer& out, const DnsMessage& message) {
    std::vector<std::uint8_t> bytes;
    Writer writer(bytes);
    const auto& header = message.header;
    writer.u16(header.id);
    std::uint16_t flags = static_cast<std::uint16_t>((header.response ? 0x8000 : 0) | (header.opcode & 0x0f) << 11 |
                                                     (header.authoritative ? 0x0400 : 0) | (header.truncated ? 0x0200 : 0) |
                                                     (header.recursion_desired ? 0x0100 : 0) |
                                                     (header.recursion_available ? 0x0080 : 0) | (header.zero ? 0x0040 : 0) |
                                                     (header.authentic_data ? 0x0020 : 0) |
                                                     (header.checking_disabled ? 0x0010 : 0) | (header.rcode & 0x0f));
    writer.u16(flags);
    writer.u16(static_cast<std::uint16_t>(message.questions.size()));
    writer.u16(static_cast<std::uint16_t>(message.answers.size()));
    writer.u16(static_cast<std::uint16_t>(message.authorities.size()));
    writer.u16(static_cast<std::uint16_t>(message.additionals.size()));
    NameCompressor names(bytes);
    for (const auto& question : message.questions) {
        names.write(question.name, true);
        writer.u16(question.type);
        writer.u16(question.klass);
    }
    for (const auto* section : {&message.answers, &message.authorities, &message.additionals}) {
        for (const auto& record : *section) write_record(bytes, names, record);
    }
    out.bytes(bytes);
}

std::vector<std::uint8_t> write_dns_within(const DnsMessage& message, std::size_t limit) {
    auto written = [](const DnsMessage& m) {
        std::vector<std::uint8_t> bytes;
        Writer out(bytes);
        write_dns(out, m);
        return bytes;
    };
    auto bytes = written(message);
    if (bytes.size() <= limit) return bytes;
    // Additional data is a courtesy: it goes first, the OPT record excepted, and its loss
    // is no truncation (RFC 2181 §9).
    DnsMessage trimmed = message;
    auto& additionals = trimmed.additionals;
    additionals.erase(std::remove_if(additionals.begin(), additionals.end(),
                                     [](const DnsRecord& record) { return record.type != dns_type::kOpt; }),
                      additionals.end());
    bytes = written(trimmed);
    if (bytes.size() <= limit) return bytes;
    // Then whole RRsets from the end of the authority section, then of the answer section.
    trimmed.header.truncated = true;
    for (auto* section : {&trimmed.authorities, &trimmed.answers}) {
        while (!section->empty()) {
            auto last = section->back();
            while (!section->empty() && same_rrset(section->back(), last)) section->pop_back();
            bytes = written(trimmed);
            if (bytes.size() <= limit) return bytes;
        }
    }
    return bytes;  // the header, the question and the OPT record: as small as it gets
}

}  // namespace emu::wire
