#include "lib/wire/dns_zone.hpp"

#include <cctype>
#include <optional>

#include <fmt/format.h>

namespace emu::wire {
namespace {

struct Token {
    std::string text;  ///< as written, escapes kept (quoted: without the quotes)
    bool quoted = false;
    std::size_t line = 1;
    std::size_t column = 1;
};

// One entry: the tokens of a line, or of several joined by parentheses.
struct Entry {
    std::vector<Token> tokens;
};

tl::unexpected<ZoneError> error_at(const Token& token, std::string message) {
    return tl::unexpected(ZoneError{token.line, token.column, std::move(message)});
}

// RFC 1035 §5.1: blanks separate tokens, `;` comments to the end of the line, parentheses
// let an entry go on over line ends, quotes hold blanks.
tl::expected<std::vector<Entry>, ZoneError> tokenize(std::string_view text) {
    std::vector<Entry> entries;
    Entry current;
    int depth = 0;
    std::size_t line = 1, column = 1;
    Token open_paren;
    auto finish = [&] {
        if (!current.tokens.empty()) entries.push_back(std::move(current));
        current = Entry{};
    };
    std::size_t i = 0;
    auto advance = [&] {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
        ++i;
    };
    while (i < text.size()) {
        char c = text[i];
        if (c == '\n') {
            if (depth == 0) finish();
            advance();
        } else if (c == ' ' || c == '\t' || c == '\r') {
            advance();
        } else if (c == ';') {
            while (i < text.size() && text[i] != '\n') advance();
        } else if (c == '(') {
            if (depth == 0) open_paren = Token{"(", false, line, column};
            ++depth;
            advance();
        } else if (c == ')') {
            if (depth == 0) return tl::unexpected(ZoneError{line, column, "a ')' without its '('"});
            --depth;
            advance();
        } else if (c == '"') {
            Token token{"", true, line, column};
            advance();
            while (true) {
                if (i >= text.size() || text[i] == '\n') {
                    return tl::unexpected(ZoneError{token.line, token.column, "a quoted string without its closing quote"});
                }
                if (text[i] == '"') break;
                if (text[i] == '\\' && i + 1 < text.size()) {
                    token.text += text[i];
                    advance();
                }
                token.text += text[i];
                advance();
            }
            advance();  // the closing quote
            current.tokens.push_back(std::move(token));
        } else {
            Token token{"", false, line, column};
            while (i < text.size()) {
                char w = text[i];
                if (w == ' ' || w == '\t' || w == '\r' || w == '\n' || w == ';' || w == '(' || w == ')' || w == '"') break;
                if (w == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
                    token.text += w;
                    advance();
                }
                token.text += text[i];
                advance();
            }
            current.tokens.push_back(std::move(token));
        }
    }
    if (depth > 0) return error_at(open_paren, "a '(' without its ')'");
    finish();
    return entries;
}

// A token's bytes with \X and \DDD undone (RFC 1035 §5.1), for character-strings.
tl::expected<std::string, std::string> unescaped(const std::string& text) {
    std::string bytes;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            bytes += text[i];
            continue;
        }
        if (i + 3 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isdigit(static_cast<unsigned char>(text[i + 2])) && std::isdigit(static_cast<unsigned char>(text[i + 3]))) {
            int value = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
            if (value > 255) return tl::unexpected(std::string("an escape over \\255"));
            bytes += static_cast<char>(value);
            i += 3;
        } else if (i + 1 < text.size()) {
            bytes += text[++i];
        } else {
            return tl::unexpected(std::string("a trailing backslash"));
        }
    }
    return bytes;
}

std::optional<std::uint32_t> number(const std::string& text, std::uint64_t maximum) {
    if (text.empty() || text.size() > 10) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > maximum) return std::nullopt;
    return static_cast<std::uint32_t>(value);
}

std::string upper(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

class ZoneReader {
public:
    ZoneReader(DnsName origin, std::uint32_t default_ttl) : origin_(std::move(origin)), ttl_(default_ttl) {}

    tl::expected<std::vector<DnsRecord>, ZoneError> read(const std::vector<Entry>& entries) {
        std::vector<DnsRecord> records;
        for (const auto& entry : entries) {
            const auto& first = entry.tokens.front();
            if (!first.quoted && first.column == 1 && !first.text.empty() && first.text[0] == '$') {
                if (auto done = directive(entry); !done) return tl::unexpected(done.error());
                continue;
            }
            auto record = this->record(entry);
            if (!record) return tl::unexpected(record.error());
            records.push_back(std::move(*record));
        }
        return records;
    }

private:
    tl::expected<void, ZoneError> directive(const Entry& entry) {
        const auto& tokens = entry.tokens;
        auto name = upper(tokens[0].text);
        if (name == "$INCLUDE") return error_at(tokens[0], "$INCLUDE is not supported: put the records in this text");
        if (tokens.size() != 2) return error_at(tokens[0], name + " takes one value");
        if (name == "$ORIGIN") {
            auto origin = this->name(tokens[1]);
            if (!origin) return tl::unexpected(origin.error());
            origin_ = *origin;
            return {};
        }
        if (name == "$TTL") {
            auto ttl = parse_zone_ttl(tokens[1].text);
            if (!ttl) return error_at(tokens[1], "'" + tokens[1].text + "' is not a TTL (3600, 1h, 1h30m, 2d …)");
            ttl_ = *ttl;
            return {};
        }
        return error_at(tokens[0], "unknown directive " + tokens[0].text + " (known: $ORIGIN, $TTL)");
    }

    // A name as written: `@` is the origin, a trailing dot makes it absolute, anything else
    // is relative to the origin.
    tl::expected<DnsName, ZoneError> name(const Token& token) const {
        if (token.quoted) return error_at(token, "a name is not quoted");
        if (token.text == "@") return origin_;
        auto parsed = DnsName::parse(token.text);
        if (!parsed) return error_at(token, parsed.error());
        bool absolute = token.text.size() >= 1 && token.text.back() == '.' &&
                        (token.text.size() < 2 || token.text[token.text.size() - 2] != '\\');
        if (absolute) return *parsed;
        parsed->labels.insert(parsed->labels.end(), origin_.labels.begin(), origin_.labels.end());
        if (parsed->wire_length() > DnsName::kMaximumWire) {
            return error_at(token, "'" + token.text + "' with the origin " + origin_.to_string() + " is longer than 255 bytes");
        }
        return *parsed;
    }

    tl::expected<DnsRecord, ZoneError> record(const Entry& entry) {
        const auto& tokens = entry.tokens;
        std::size_t at = 0;
        DnsRecord record;
        if (tokens[0].column == 1) {
            auto owner = name(tokens[0]);
            if (!owner) return tl::unexpected(owner.error());
            record.name = *owner;
            previous_owner_ = record.name;
            have_owner_ = true;
            ++at;
        } else if (have_owner_) {
            record.name = previous_owner_;
        } else {
            return error_at(tokens[0], "the first record must name its owner at the start of its line");
        }
        // TTL and class, in either order, each at most once (RFC 1035 §5.1).
        std::optional<std::uint32_t> ttl;
        bool klass = false;
        while (at < tokens.size()) {
            const auto& token = tokens[at];
            auto word = upper(token.text);
            if (!ttl && !token.quoted && !dns_type_from_name(word) && (ttl = parse_zone_ttl(token.text))) {
                ++at;
            } else if (!klass && word == "IN") {
                klass = true;
                ++at;
            } else if (!klass && (word == "CH" || word == "HS" || word == "CS")) {
                return error_at(token, "only class IN is served");
            } else {
                break;
            }
        }
        record.ttl = ttl.value_or(ttl_);
        if (at >= tokens.size()) return error_at(tokens.back(), "the record has no type");
        const auto& type_token = tokens[at];
        auto type = dns_type_from_name(type_token.text);
        if (!type || !dns_type_is_data(*type)) {
            return error_at(type_token, "'" + type_token.text + "' is not a record type here (A, AAAA, NS, CNAME, PTR, "
                                                                "MX, TXT, SRV, SOA, or TYPEnn with \\# data)");
        }
        record.type = *type;
        std::vector<Token> data(tokens.begin() + static_cast<std::ptrdiff_t>(at) + 1, tokens.end());
        auto rdata = this->data(record.type, type_token, data);
        if (!rdata) return tl::unexpected(rdata.error());
        record.data = std::move(*rdata);
        return record;
    }

    tl::expected<DnsRdata, ZoneError> data(std::uint16_t type, const Token& type_token, const std::vector<Token>& data) {
        auto type_name = dns_type_name(type);
        auto expect = [&](std::size_t count, const char* shape) -> tl::expected<void, ZoneError> {
            if (data.size() == count) return {};
            const auto& where = data.size() > count ? data[count] : type_token;
            return error_at(where, fmt::format("{} data is {}", type_name, shape));
        };
        auto u16 = [&](const Token& token, const char* what) -> tl::expected<std::uint16_t, ZoneError> {
            auto value = number(token.text, 0xffff);
            if (!value) return error_at(token, fmt::format("{} {} must be a number from 0 to 65535", type_name, what));
            return static_cast<std::uint16_t>(*value);
        };
        if (!data.empty() && data[0].text == "\\#" && !data[0].quoted) return generic(type_name, data);
        switch (type) {
            case dns_type::kA: {
                if (auto ok = expect(1, "one IPv4 address"); !ok) return tl::unexpected(ok.error());
                auto address = Ipv4Address::parse(data[0].text);
                if (!address) return error_at(data[0], "'" + data[0].text + "' is not an IPv4 address");
                return *address;
            }
            case dns_type::kAaaa: {
                if (auto ok = expect(1, "one IPv6 address"); !ok) return tl::unexpected(ok.error());
                auto address = Ipv6Address::parse(data[0].text);
                if (!address) return error_at(data[0], "'" + data[0].text + "' is not an IPv6 address");
                return *address;
            }
            case dns_type::kNs:
            case dns_type::kCname:
            case dns_type::kPtr: {
                if (auto ok = expect(1, "one name"); !ok) return tl::unexpected(ok.error());
                auto target = name(data[0]);
                if (!target) return tl::unexpected(target.error());
                return *target;
            }
            case dns_type::kMx: {
                if (auto ok = expect(2, "a preference and a name"); !ok) return tl::unexpected(ok.error());
                auto preference = u16(data[0], "preference");
                if (!preference) return tl::unexpected(preference.error());
                auto exchange = name(data[1]);
                if (!exchange) return tl::unexpected(exchange.error());
                return DnsMx{*preference, *exchange};
            }
            case dns_type::kSrv: {
                if (auto ok = expect(4, "priority, weight, port and target"); !ok) return tl::unexpected(ok.error());
                DnsSrv srv;
                for (auto [index, field, what] : {std::tuple{0, &srv.priority, "priority"}, std::tuple{1, &srv.weight, "weight"},
                                                  std::tuple{2, &srv.port, "port"}}) {
                    auto value = u16(data[static_cast<std::size_t>(index)], what);
                    if (!value) return tl::unexpected(value.error());
                    *field = *value;
                }
                auto target = name(data[3]);
                if (!target) return tl::unexpected(target.error());
                srv.target = *target;
                return srv;
            }
            case dns_type::kTxt: {
                if (data.empty()) return error_at(type_token, "TXT data is one or more strings");
                DnsText text;
                for (const auto& token : data) {
                    auto bytes = unescaped(token.text);
                    if (!bytes) return error_at(token, bytes.error());
                    if (bytes->size() > 255) return error_at(token, "a TXT string is at most 255 bytes");
                    text.strings.push_back(std::move(*bytes));
                }
                return text;
            }
            case dns_type::kSoa: {
                if (auto ok = expect(7, "primary server, mailbox, serial, refresh, retry, expire and minimum");
                    !ok) {
                    return tl::unexpected(ok.error());
                }
                DnsSoa soa;
                auto primary = name(data[0]);
                if (!primary) return tl::unexpected(primary.error());
                auto responsible = name(data[1]);
                if (!responsible) return tl::unexpected(responsible.error());
                soa.primary = *primary;
                soa.responsible = *responsible;
                auto serial = number(data[2].text, 0xffffffffu);
                if (!serial) return error_at(data[2], "SOA serial must be a number below 2^32");
                soa.serial = *serial;
                std::uint32_t* times[] = {&soa.refresh, &soa.retry, &soa.expire, &soa.minimum};
                for (std::size_t i = 0; i < 4; ++i) {
                    auto value = parse_zone_ttl(data[3 + i].text);
                    if (!value) return error_at(data[3 + i], "'" + data[3 + i].text + "' is not a time (3600, 1h …)");
                    *times[i] = *value;
                }
                return soa;
            }
            default:
                return error_at(type_token, type_name + " needs its data as \\# LENGTH HEX (RFC 3597 §5)");
        }
    }

    // RFC 3597 §5: `\# length hex…`, for any type.
    tl::expected<DnsRdata, ZoneError> generic(const std::string& type_name, const std::vector<Token>& data) {
        if (data.size() < 2) return error_at(data[0], type_name + " \\# data needs its length");
        auto length = number(data[1].text, 0xffff);
        if (!length) return error_at(data[1], "'" + data[1].text + "' is not a length");
        std::string hex;
        for (std::size_t i = 2; i < data.size(); ++i) hex += data[i].text;
        if (hex.size() != std::size_t{*length} * 2) {
            return error_at(data[1], fmt::format("\\# says {} bytes, the hex holds {}", *length, hex.size() / 2.0));
        }
        std::vector<std::uint8_t> bytes;
        for (std::size_t i = 0; i < hex.size(); i += 2) {
            auto digit = [](char c) -> int {
                if (c >= '0' && c <= '9') return c - '0';
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                if (c >= 'a' && c <= 'f') return c - 'a' + 10;
                return -1;
            };
            int high = digit(hex[i]), low = digit(hex[i + 1]);
            if (high < 0 || low < 0) return error_at(data[2], "\\# data must be hex");
            bytes.push_back(static_cast<std::uint8_t>(high << 4 | low));
        }
        return bytes;
    }

    DnsName origin_;
    std::uint32_t ttl_;
    DnsName previous_owner_;
    bool have_owner_ = false;
};

std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte >= 0x7f) {
            out += fmt::format("\\{:03d}", byte);
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace

std::optional<std::uint32_t> parse_zone_ttl(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::uint64_t total = 0, value = 0;
    bool digits = false, any_unit = false;
    for (char c : text) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            value = value * 10 + static_cast<std::uint64_t>(c - '0');
            if (value > 0xffffffffu) return std::nullopt;
            digits = true;
            continue;
        }
        if (!digits) return std::nullopt;
        std::uint64_t unit = 0;
        switch (std::tolower(static_cast<unsigned char>(c))) {
            case 's': unit = 1; break;
            case 'm': unit = 60; break;
            case 'h': unit = 3600; break;
            case 'd': unit = 86400; break;
            case 'w': unit = 604800; break;
            default: return std::nullopt;
        }
        total += value * unit;
        value = 0;
        digits = false;
        any_unit = true;
        if (total > 0xffffffffu) return std::nullopt;
    }
    if (digits) {
        // A bare number after units ("1h30") is not a duration; a bare number alone is seconds.
        if (any_unit) return std::nullopt;
        total = value;
    }
    return static_cast<std::uint32_t>(total);
}

tl::expected<std::vector<DnsRecord>, ZoneError> parse_zone_text(std::string_view text, const DnsName& origin,
                                                                std::uint32_t default_ttl) {
    auto entries = tokenize(text);
    if (!entries) return tl::unexpected(entries.error());
    return ZoneReader(origin, default_ttl).read(*entries);
}

std::string zone_line(const DnsRecord& record) {
    std::string data = std::visit(
        [&](const auto& value) -> std::string {
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, Ipv4Address> || std::is_same_v<T, Ipv6Address>) {
                return value.to_string();
            } else if constexpr (std::is_same_v<T, DnsName>) {
                return value.to_string();
            } else if constexpr (std::is_same_v<T, DnsMx>) {
                return fmt::format("{} {}", value.preference, value.exchange.to_string());
            } else if constexpr (std::is_same_v<T, DnsSrv>) {
                return fmt::format("{} {} {} {}", value.priority, value.weight, value.port, value.target.to_string());
            } else if constexpr (std::is_same_v<T, DnsSoa>) {
                return fmt::format("{} {} {} {} {} {} {}", value.primary.to_string(), value.responsible.to_string(),
                                   value.serial, value.refresh, value.retry, value.expire, value.minimum);
            } else if constexpr (std::is_same_v<T, DnsText>) {
                std::string text;
                for (const auto& string : value.strings) text += (text.empty() ? "" : " ") + quoted(string);
                return text;
            } else if constexpr (std::is_same_v<T, std::vector<DnsOption>>) {
                return "; OPT";
            } else {
                std::string hex;
                for (auto byte : value) hex += fmt::format("{:02x}", byte);
                return fmt::format("\\# {} {}", value.size(), hex);
            }
        },
        record.data);
    return fmt::format("{} {} IN {} {}", record.name.to_string(), record.ttl, dns_type_name(record.type), data);
}

}  // namespace emu::wire
