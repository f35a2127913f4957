// The OSPFv2 codec against packets from a real peer, FRR's ospfd (captured by
// tests/data/frames/capture-ospf: two routers Full on a point-to-point link, then on a LAN
// where one is the designated router, then with one an area border router and the other
// redistributing a network, then authenticating with a password and with keyed MD5): each
// of the five packet types and of the five LSA bodies parses to what ospfd sent and writes
// back to the same bytes, LSA checksums (RFC 2328 §12.1.7) come out as ospfd's; then what
// ospfd did not send — every cut, hostile lengths, bad checksums — and how the trace shows
// each packet.
#include <catch2/catch.hpp>

#include <algorithm>

#include "emud/trace/describe.hpp"
#include "lib/wire/checksum.hpp"
#include "lib/wire/frame.hpp"
#include "lib/wire/ospf.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu::wire;
using emu::test::golden_frame;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

// The IP payload of a golden frame: the OSPF packet.
std::vector<std::uint8_t> golden_packet(const std::string& name) {
    return emu::test::golden_ip_payload(name, OspfPacket::kIpProtocol);
}

OspfPacket golden_ospf(const std::string& name) {
    auto packet = parse_ospf(golden_packet(name));
    if (!packet) FAIL(name << ": " << packet.error().to_string());
    return *packet;
}

std::vector<std::uint8_t> written(const OspfPacket& packet) {
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write_ospf(out, packet);
    return bytes;
}

// A packet's bytes with its length set to `length` and its checksum made right again: a
// cut that the header agrees with, which only the body's own structure can refuse.
std::vector<std::uint8_t> consistently_cut(std::vector<std::uint8_t> bytes, std::size_t length) {
    bytes.resize(length);
    bytes[2] = static_cast<std::uint8_t>(length >> 8);
    bytes[3] = static_cast<std::uint8_t>(length);
    bytes[12] = bytes[13] = 0;
    InternetChecksum sum;
    sum.add(Bytes(bytes).first(16));
    sum.add(Bytes(bytes).subspan(24));
    bytes[12] = static_cast<std::uint8_t>(sum.value() >> 8);
    bytes[13] = static_cast<std::uint8_t>(sum.value());
    return bytes;
}

const std::vector<std::string> kGoldens = {
    "ospf_frr_hello_p2p",         "ospf_frr_hello_broadcast",    "ospf_frr_dbd_first",         "ospf_frr_dbd_summary",
    "ospf_frr_ls_request",        "ospf_frr_ls_update_router",   "ospf_frr_ls_update_network", "ospf_frr_ls_ack",
    "ospf_frr_ls_update_summary", "ospf_frr_ls_update_external", "ospf_frr_hello_password",    "ospf_frr_hello_md5",
};
const std::vector<std::string> kGoldenUpdates = {"ospf_frr_ls_update_router", "ospf_frr_ls_update_network",
                                                 "ospf_frr_ls_update_summary", "ospf_frr_ls_update_external"};

// The packet without what follows its length: the digest of cryptographic authentication.
std::vector<std::uint8_t> without_digest(std::vector<std::uint8_t> bytes) {
    bytes.resize(std::size_t{bytes[2]} << 8 | bytes[3]);
    return bytes;
}

// An update of one LSA, made of the given bytes with its length field set to theirs: what
// only the LSA body's own structure can refuse.
std::vector<std::uint8_t> update_of(std::vector<std::uint8_t> lsa) {
    lsa[18] = static_cast<std::uint8_t>(lsa.size() >> 8);
    lsa[19] = static_cast<std::uint8_t>(lsa.size());
    OspfPacket packet;
    packet.router_id = ip("10.99.255.1");
    packet.body = OspfLinkStateUpdate{};
    auto bytes = written(packet);
    bytes[27] = 1;  // one LSA
    bytes.insert(bytes.end(), lsa.begin(), lsa.end());
    return consistently_cut(bytes, bytes.size());
}

// Each LSA of an update as the bytes it came in.
std::vector<std::vector<std::uint8_t>> lsa_bytes(const std::vector<std::uint8_t>& update) {
    std::vector<std::vector<std::uint8_t>> lsas;
    for (std::size_t at = 28; at + LsaHeader::kSize <= update.size();) {
        const std::size_t length = std::size_t{update[at + 18]} << 8 | update[at + 19];
        lsas.emplace_back(update.begin() + static_cast<std::ptrdiff_t>(at),
                          update.begin() + static_cast<std::ptrdiff_t>(at + length));
        at += length;
    }
    return lsas;
}

const Ipv4Address kRouterA = ip("10.99.255.1");
const Ipv4Address kRouterB = ip("10.99.255.2");

}  // namespace

TEST_CASE("ospfd's Hellos read as it sent them, on a point-to-point link and on a LAN with a DR",
          "[wire][golden][ospf]") {
    auto p2p = golden_ospf("ospf_frr_hello_p2p");
    CHECK(p2p.version == 2);
    CHECK(p2p.type() == OspfType::hello);
    CHECK(p2p.router_id == kRouterA);
    CHECK(p2p.area_id == Ipv4Address{});
    CHECK(p2p.auth_type == OspfPacket::kAuthNone);
    const auto& hello = std::get<OspfHello>(p2p.body);
    CHECK(hello.network_mask == ip("255.255.255.0"));  // sent on point-to-point links too
    CHECK(hello.hello_interval == 1);
    CHECK(hello.dead_interval == 4);
    CHECK(hello.options == ospf_option::kExternal);
    CHECK(hello.priority == 10);
    CHECK(hello.designated_router == Ipv4Address{});  // no DR on a point-to-point link
    CHECK(hello.neighbors == std::vector<Ipv4Address>{kRouterB});

    auto lan = std::get<OspfHello>(golden_ospf("ospf_frr_hello_broadcast").body);
    // §9.4: a, with priority 10, is DR; the DR and BDR are named by interface address.
    CHECK(lan.designated_router == ip("10.99.12.1"));
    CHECK(lan.backup_designated_router == ip("10.99.12.2"));
    CHECK(lan.neighbors == std::vector<Ipv4Address>{kRouterB});
}

TEST_CASE("ospfd's Database Description exchange, requests, updates and acks read as it sent them",
          "[wire][golden][ospf]") {
    auto first = std::get<OspfDatabaseDescription>(golden_ospf("ospf_frr_dbd_first").body);
    // §10.8: the first DBD says Init, More and Master, and carries no LSA headers.
    CHECK(first.flags == (OspfDatabaseDescription::kInit | OspfDatabaseDescription::kMore |
                          OspfDatabaseDescription::kMaster));
    CHECK(first.interface_mtu == 1500);
    CHECK(first.lsa_headers.empty());

    auto summary = std::get<OspfDatabaseDescription>(golden_ospf("ospf_frr_dbd_summary").body);
    CHECK((summary.flags & OspfDatabaseDescription::kInit) == 0);
    REQUIRE_FALSE(summary.lsa_headers.empty());
    CHECK(summary.lsa_headers[0].type == lsa_type::kRouter);
    CHECK(summary.lsa_headers[0].length > LsaHeader::kSize);

    auto request = std::get<OspfLinkStateRequest>(golden_ospf("ospf_frr_ls_request").body);
    REQUIRE_FALSE(request.requests.empty());
    CHECK(request.requests[0].type == lsa_type::kRouter);
    CHECK(request.requests[0].link_state_id == request.requests[0].advertising_router);

    auto update = std::get<OspfLinkStateUpdate>(golden_ospf("ospf_frr_ls_update_router").body);
    REQUIRE_FALSE(update.lsas.empty());
    const auto& router_lsa = update.lsas[0];
    CHECK(router_lsa.header.type == lsa_type::kRouter);
    CHECK(router_lsa.checksum_ok);
    CHECK(router_lsa.header.sequence >= LsaHeader::kInitialSequence);
    const auto& links = std::get<RouterLsa>(router_lsa.body).links;
    // Its stub network (the passive LAN, §12.4.1.4) is among its links.
    auto stub = std::find_if(links.begin(), links.end(), [](const RouterLink& link) {
        return link.type == RouterLink::kStub && link.link_data == ip("255.255.255.0") &&
               (link.link_id == ip("10.99.101.0") || link.link_id == ip("10.99.102.0"));
    });
    CHECK(stub != links.end());

    auto with_network = std::get<OspfLinkStateUpdate>(golden_ospf("ospf_frr_ls_update_network").body);
    auto network_lsa = std::find_if(with_network.lsas.begin(), with_network.lsas.end(),
                                    [](const Lsa& lsa) { return lsa.header.type == lsa_type::kNetwork; });
    REQUIRE(network_lsa != with_network.lsas.end());
    // §12.4.2: the DR originates it, named by its interface address, listing both routers.
    CHECK(network_lsa->header.link_state_id == ip("10.99.12.1"));
    CHECK(network_lsa->header.advertising_router == kRouterA);
    CHECK(network_lsa->checksum_ok);
    const auto& network = std::get<NetworkLsa>(network_lsa->body);
    CHECK(network.network_mask == ip("255.255.255.0"));
    auto attached = network.attached_routers;
    std::sort(attached.begin(), attached.end());
    CHECK(attached == std::vector<Ipv4Address>{kRouterA, kRouterB});

    auto ack = std::get<OspfLinkStateAck>(golden_ospf("ospf_frr_ls_ack").body);
    REQUIRE_FALSE(ack.lsa_headers.empty());
    CHECK(ack.lsa_headers[0].type == lsa_type::kRouter);
}

TEST_CASE("every golden OSPF packet writes back to ospfd's bytes, checksum included", "[wire][golden][ospf]") {
    for (const auto& name : kGoldens) {
        INFO(name);
        // The keyed-MD5 digest after the packet is not kept (write_ospf leaves it to the sender).
        CHECK(written(golden_ospf(name)) == without_digest(golden_packet(name)));
    }
}

TEST_CASE("an LSA sealed here gets the Fletcher checksum ospfd computed (RFC 2328 §12.1.7)", "[wire][golden][ospf]") {
    std::size_t checked = 0;
    for (const auto& name : kGoldenUpdates) {
        auto update = std::get<OspfLinkStateUpdate>(golden_ospf(name).body);
        for (auto lsa : update.lsas) {
            INFO(name << " " << lsa_type_name(lsa.header.type) << " " << lsa.header.link_state_id.to_string());
            const auto theirs = lsa.header;
            lsa.header.checksum = 0;
            lsa.header.length = 0;
            lsa.header.age = 1234;  // age is outside the checksum
            seal_lsa(lsa);
            CHECK(lsa.header.checksum == theirs.checksum);
            CHECK(lsa.header.length == theirs.length);
            std::vector<std::uint8_t> bytes;
            Writer out(bytes);
            write_lsa(out, lsa);
            CHECK(lsa_checksum_holds(bytes));
            CHECK(lsa_checksum(bytes) == theirs.checksum);
            ++checked;
        }
    }
    CHECK(checked >= 7);
}

TEST_CASE("ospfd's summary- and AS-external-LSAs read field by field (RFC 2328 §A.4.4, §A.4.5)",
          "[wire][golden][ospf]") {
    // a is an area border router: its stub network, in area 1, reaches area 0 as a summary-LSA.
    auto summary_update = std::get<OspfLinkStateUpdate>(golden_ospf("ospf_frr_ls_update_summary").body);
    auto summary_lsa = std::find_if(summary_update.lsas.begin(), summary_update.lsas.end(),
                                    [](const Lsa& lsa) { return lsa.header.type == lsa_type::kSummaryNetwork; });
    REQUIRE(summary_lsa != summary_update.lsas.end());
    CHECK(summary_lsa->header.link_state_id == ip("10.99.101.0"));
    CHECK(summary_lsa->header.advertising_router == kRouterA);
    CHECK(summary_lsa->checksum_ok);
    const auto& summary = std::get<SummaryLsa>(summary_lsa->body);
    CHECK(summary.network_mask == ip("255.255.255.0"));
    REQUIRE(summary.metrics.size() == 1);
    CHECK(summary.metrics[0].tos == 0);
    CHECK(summary.metrics[0].metric == 10);  // the cost to it: FRR's default for a 10 Gb/s-less veth
    // Its router-LSA says B (§A.4.2).
    const auto& a_router = std::get<RouterLsa>(summary_update.lsas.at(0).body);
    CHECK(a_router.flags == RouterLsa::kAreaBorder);

    // b redistributes a network OSPF does not cover: an AS-external-LSA, type 2 metric 20
    // (FRR's defaults), no forwarding address (to b itself), no tag.
    auto external_update = std::get<OspfLinkStateUpdate>(golden_ospf("ospf_frr_ls_update_external").body);
    auto external_lsa = std::find_if(external_update.lsas.begin(), external_update.lsas.end(),
                                     [](const Lsa& lsa) { return lsa.header.type == lsa_type::kAsExternal; });
    REQUIRE(external_lsa != external_update.lsas.end());
    CHECK(external_lsa->header.link_state_id == ip("192.0.2.0"));
    CHECK(external_lsa->header.advertising_router == kRouterB);
    CHECK(external_lsa->checksum_ok);
    const auto& external = std::get<AsExternalLsa>(external_lsa->body);
    CHECK(external.network_mask == ip("255.255.255.0"));
    REQUIRE(external.routes.size() == 1);
    CHECK(external.routes[0].type2);
    CHECK(external.routes[0].tos == 0);
    CHECK(external.routes[0].metric == 20);
    CHECK(external.routes[0].forwarding_address == Ipv4Address{});
    CHECK(external.routes[0].route_tag == 0);
    // b's router-LSA says E: an AS boundary router.
    CHECK(std::get<RouterLsa>(external_update.lsas.at(0).body).flags == RouterLsa::kAsBoundary);
}

TEST_CASE("ospfd's authenticated Hellos: a password, and keyed MD5's key ID, sequence and digest (RFC 2328 §D.3)",
          "[wire][golden][ospf]") {
    auto password = golden_ospf("ospf_frr_hello_password");
    CHECK(password.auth_type == OspfPacket::kAuthPassword);
    const std::string secret(password.authentication.begin(), password.authentication.end());
    CHECK(secret == std::string("emu-lab\0", 8));  // NUL-padded to 8 bytes
    CHECK_FALSE(password.cryptographic_auth());
    CHECK(ospf_auth_type_name(password.auth_type) == "password");

    auto md5_bytes = golden_packet("ospf_frr_hello_md5");
    auto md5 = golden_ospf("ospf_frr_hello_md5");
    CHECK(md5.auth_type == OspfPacket::kAuthCryptographic);
    auto crypto = md5.cryptographic_auth();
    REQUIRE(crypto);
    CHECK(crypto->key_id == 1);
    CHECK(crypto->digest_length == 16);
    CHECK(crypto->sequence > 0);
    CHECK(md5_bytes.size() == without_digest(md5_bytes).size() + 16);  // the digest follows the packet
    CHECK(ospf_auth_type_name(md5.auth_type) == "cryptographic");
    CHECK(ospf_auth_type_name(7) == "type-7");

    // A digest cut short, or longer than announced, is refused.
    auto cut = md5_bytes;
    cut.pop_back();
    auto refused = parse_ospf(cut);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().what == "15 bytes of digest after the packet, its authentication field says 16");
    auto longer = md5_bytes;
    longer.push_back(0);
    CHECK_FALSE(parse_ospf(longer));
}

TEST_CASE("every cut of an LSA body, its length made to agree, is refused or whole entries",
          "[wire][truncation][ospf]") {
    std::size_t refused = 0;
    for (const auto& name : kGoldenUpdates) {
        for (const auto& lsa : lsa_bytes(without_digest(golden_packet(name)))) {
            for (std::size_t length = LsaHeader::kSize; length < lsa.size(); ++length) {
                INFO(name << ": " << lsa_type_name(lsa[3]) << " cut to " << length);
                auto bytes = update_of({lsa.begin(), lsa.begin() + static_cast<std::ptrdiff_t>(length)});
                auto parsed = parse_ospf(bytes);
                if (!parsed) {
                    // Said with the LSA's type and place.
                    CHECK(parsed.error().what.rfind(lsa_type_name(lsa[3]) + " at byte 4 of the update: ", 0) == 0);
                    ++refused;
                    continue;
                }
                CHECK(written(*parsed) == bytes);
            }
        }
    }
    CHECK(refused > 50);
}

TEST_CASE("summary- and AS-external-LSA bodies that are not whole are refused with what and where", "[wire][ospf]") {
    auto refused = [](std::uint8_t type, std::size_t body) {
        std::vector<std::uint8_t> lsa(LsaHeader::kSize + body, 0);
        lsa[3] = type;
        auto parsed = parse_ospf(update_of(lsa));
        REQUIRE_FALSE(parsed);
        return parsed.error().what;
    };
    CHECK(refused(lsa_type::kSummaryNetwork, 0)
              .rfind("summary-LSA at byte 4 of the update: truncated: network mask", 0) == 0);
    CHECK(refused(lsa_type::kSummaryNetwork, 4) ==
          "summary-LSA at byte 4 of the update: a summary-LSA without its metric");
    CHECK(refused(lsa_type::kSummaryAsbr, 10) ==
          "ASBR-summary-LSA at byte 4 of the update: 6 bytes of metrics, not whole 4-byte entries");
    CHECK(refused(lsa_type::kAsExternal, 4) ==
          "AS-external-LSA at byte 4 of the update: an AS-external-LSA without its metric");
    CHECK(refused(lsa_type::kAsExternal, 20) ==
          "AS-external-LSA at byte 4 of the update: 16 bytes of external routes, not whole 12-byte entries");
    // Opaque LSAs (RFC 5250) stay bytes, whatever their length.
    auto opaque = std::vector<std::uint8_t>(LsaHeader::kSize + 3, 0);
    opaque[3] = 10;
    CHECK(parse_ospf(update_of(opaque)));
}

TEST_CASE("a cut OSPF packet is refused, and one whose header agrees with the cut yields whole entries or nothing",
          "[wire][truncation][ospf]") {
    for (const auto& name : kGoldens) {
        INFO(name);
        auto bytes = golden_packet(name);
        auto whole = golden_ospf(name);
        for (std::size_t length = 0; length < bytes.size(); ++length) {
            INFO("cut at " << length);
            // The length field still says more: refused, whatever is left.
            CHECK_FALSE(parse_ospf(Bytes(bytes).first(length)));
            if (length < OspfPacket::kHeaderSize) continue;
            auto cut = consistently_cut(bytes, length);
            auto parsed = parse_ospf(cut);
            if (!parsed) continue;
            // What does parse is a prefix of the entries, and writes back to the cut bytes.
            CHECK(parsed->type() == whole.type());
            CHECK(written(*parsed) == cut);
        }
    }
}

TEST_CASE("hostile OSPF packets are refused with what and where", "[wire][ospf]") {
    auto hello = golden_packet("ospf_frr_hello_p2p");
    auto refused = [](std::vector<std::uint8_t> bytes) {
        auto parsed = parse_ospf(bytes);
        REQUIRE_FALSE(parsed);
        return parsed.error().what;
    };
    auto bad_checksum = hello;
    bad_checksum[30] ^= 0x01;  // the hello interval, under the checksum
    CHECK(refused(bad_checksum) == "checksum does not match");
    auto version_3 = hello;
    version_3[0] = 3;
    CHECK(refused(version_3) == "version 3, not 2");
    auto unknown_type = consistently_cut(hello, hello.size());
    unknown_type[1] = 6;
    unknown_type = consistently_cut(unknown_type, unknown_type.size());
    CHECK(refused(unknown_type) == "unknown type 6");
    auto trailing = hello;
    trailing.push_back(0);
    CHECK(refused(trailing) == "1 bytes after the packet length " + std::to_string(hello.size()));
    // Neighbours that are not whole addresses.
    auto ragged = consistently_cut(hello, hello.size() - 2);
    CHECK(refused(ragged).find("bytes of neighbors, not whole 4-byte entries") != std::string::npos);

    // An update that announces more LSAs than it can hold is refused before any is read.
    OspfPacket update;
    update.router_id = kRouterA;
    update.body = OspfLinkStateUpdate{};
    auto bytes = written(update);
    bytes[24] = 0xff;  // the LSA count's high byte
    bytes = consistently_cut(bytes, bytes.size());
    CHECK(refused(bytes).find("LSAs announced, room for 0 at most") != std::string::npos);

    // An LSA whose length runs past the packet, or is shorter than its header.
    auto router = golden_packet("ospf_frr_ls_update_router");
    auto long_lsa = router;
    long_lsa[28 + 18] = 0x7f;  // the first LSA's length (24-byte header, 4-byte count, offset 18)
    long_lsa = consistently_cut(long_lsa, long_lsa.size());
    CHECK(refused(long_lsa).find("runs past the packet") != std::string::npos);
    auto short_lsa = router;
    short_lsa[28 + 18] = 0;
    short_lsa[28 + 19] = 4;
    short_lsa = consistently_cut(short_lsa, short_lsa.size());
    CHECK(refused(short_lsa) == "LSA length 4, shorter than its header");
    // A router-LSA that claims more links than its length holds.
    auto more_links = router;
    more_links[28 + 20 + 2] = 0x40;  // number of links, high byte
    more_links = consistently_cut(more_links, more_links.size());
    CHECK(refused(more_links).find("router-LSA at byte 4 of the update: truncated") != std::string::npos);
}

TEST_CASE("an LSA whose checksum fails is kept and marked, so the receiver drops just it", "[wire][ospf]") {
    auto bytes = golden_packet("ospf_frr_ls_update_router");
    bytes[28 + 20 + 4 + 11] ^= 0x01;  // the first link's metric: inside the LSA's checksum
    bytes = consistently_cut(bytes, bytes.size());
    auto parsed = parse_ospf(bytes);
    REQUIRE(parsed);
    const auto& lsas = std::get<OspfLinkStateUpdate>(parsed->body).lsas;
    REQUIRE_FALSE(lsas.empty());
    CHECK_FALSE(lsas[0].checksum_ok);
    CHECK(written(*parsed) == bytes);
}

TEST_CASE("the trace shows each OSPF packet: its type, the Hello's DR and neighbours, each LSA and its sequence",
          "[wire][trace][ospf]") {
    auto layer_of = [](const std::string& name) {
        auto frame = golden_frame(name);
        auto layers = emu::trace::describe_frame(frame, {});
        REQUIRE(layers.size() == 3);  // Ethernet, IPv4, OSPF
        return layers[2];
    };
    auto hello = layer_of("ospf_frr_hello_broadcast");
    CHECK(hello.protocol == "OSPF");
    CHECK(hello.summary == "OSPF Hello dr=10.99.12.1 bdr=10.99.12.2 neighbors=10.99.255.2 hello 1 dead 4 pri 10");
    CHECK(hello.fields["router_id"] == "10.99.255.1");
    CHECK(hello.fields["neighbors"] == nlohmann::json::array({"10.99.255.2"}));
    CHECK(layer_of("ospf_frr_dbd_first").summary == "OSPF DBD seq=" +
                                                        std::to_string(std::get<OspfDatabaseDescription>(
                                                                           golden_ospf("ospf_frr_dbd_first").body)
                                                                           .sequence) +
                                                        " flags=I,M,MS mtu 1500: none");
    auto update = layer_of("ospf_frr_ls_update_network");
    CHECK(update.summary.find("network-LSA 10.99.12.1 by 10.99.255.1 seq=0x8000") != std::string::npos);
    auto router_update = layer_of("ospf_frr_ls_update_router");
    CHECK(router_update.summary.rfind("OSPF LSU router-LSA 10.99.255.", 0) == 0);
    CHECK(router_update.fields["lsas"][0]["checksum_valid"] == true);
    CHECK(layer_of("ospf_frr_ls_ack").summary.rfind("OSPF LSAck router-LSA", 0) == 0);
    CHECK(layer_of("ospf_frr_ls_request").summary.rfind("OSPF LSR router-LSA 10.99.255.", 0) == 0);

    // The LSAs' bodies: what each says in a few words, and every field (the names emu-router's
    // `ospf database` report uses).
    CHECK(
        router_update.summary ==
        "OSPF LSU router-LSA 10.99.255.1 seq=0x80000002 [stub 10.99.12.0/24 metric 10, stub 10.99.101.0/24 metric 10]");
    const auto& stub = router_update.fields["lsas"][0]["links"][0];
    CHECK(stub == nlohmann::json{{"type", "stub"}, {"id", "10.99.12.0"}, {"data", "255.255.255.0"}, {"metric", 10}});
    CHECK(router_update.fields["lsas"][0]["flags"] == "-");
    CHECK(update.summary.find("[transit 10.99.12.1 metric 10, stub 10.99.101.0/24 metric 10]") != std::string::npos);
    CHECK(update.summary.find("network-LSA 10.99.12.1 by 10.99.255.1 seq=0x80000001 [10.99.12.0/24: 10.99.255.1, "
                              "10.99.255.2]") != std::string::npos);
    auto network = update.fields["lsas"][1];
    CHECK(network["mask"] == "255.255.255.0");
    CHECK(network["attached_routers"] == nlohmann::json::array({"10.99.255.1", "10.99.255.2"}));

    auto summary = layer_of("ospf_frr_ls_update_summary");
    CHECK(summary.summary ==
          "OSPF LSU router-LSA 10.99.255.1 seq=0x80000002 [ABR: stub 10.99.12.0/24 metric 10], "
          "summary-LSA 10.99.101.0 by 10.99.255.1 seq=0x80000001 [10.99.101.0/24 metric 10]");
    CHECK(summary.fields["lsas"][0]["flags"] == "B");
    CHECK(summary.fields["lsas"][1]["mask"] == "255.255.255.0");
    CHECK(summary.fields["lsas"][1]["metric"] == 10);

    auto external = layer_of("ospf_frr_ls_update_external");
    CHECK(external.summary.find("router-LSA 10.99.255.2 seq=0x80000002 [ASBR: stub 10.99.12.0/24 metric 10, ") !=
          std::string::npos);
    CHECK(
        external.summary.find("AS-external-LSA 192.0.2.0 by 10.99.255.2 seq=0x80000001 [192.0.2.0/24 metric 20 E2]") !=
        std::string::npos);
    const auto& route = external.fields["lsas"][1];
    CHECK(route["type"] == "AS-external-LSA");
    CHECK(route["mask"] == "255.255.255.0");
    CHECK(route["metric"] == 20);
    CHECK(route["metric_type"] == 2);
    CHECK(route["forwarding_address"] == "0.0.0.0");
    CHECK(route["tag"] == 0);

    // Authentication: a field always, in the summary when there is some; never the password.
    CHECK(hello.fields["authentication"] == "none");
    CHECK(hello.summary.find("auth") == std::string::npos);
    auto password = layer_of("ospf_frr_hello_password");
    CHECK(password.summary ==
          "OSPF Hello dr=0.0.0.0 bdr=0.0.0.0 neighbors=10.99.255.2 hello 1 dead 4 pri 10 auth=password");
    CHECK(password.fields["authentication"] == "password");
    CHECK(password.fields.dump().find("emu-lab") == std::string::npos);
    auto md5 = layer_of("ospf_frr_hello_md5");
    auto crypto = *golden_ospf("ospf_frr_hello_md5").cryptographic_auth();
    CHECK(md5.summary ==
          "OSPF Hello dr=0.0.0.0 bdr=0.0.0.0 neighbors=10.99.255.2 hello 1 dead 4 pri 10 "
          "auth=cryptographic key=1 seq=" +
              std::to_string(crypto.sequence));
    CHECK(md5.fields["authentication"] == "cryptographic");
    CHECK(md5.fields["key_id"] == 1);
    CHECK(md5.fields["crypto_seq"] == crypto.sequence);
    CHECK(md5.fields["digest_length"] == 16);

    // A packet that does not parse is shown as such, the layers under it standing.
    auto frame = golden_frame("ospf_frr_hello_p2p");
    frame[14 + 20 + 30] ^= 0x01;
    auto layers = emu::trace::describe_frame(frame, {});
    REQUIRE(layers.size() == 3);
    CHECK(layers[2].protocol == "malformed");
    CHECK(layers[2].summary == "OSPF malformed: checksum does not match (at byte 12)");
    // So is an LSA body cut short, its lengths made to agree: what and where, not a crash.
    auto external_frame = golden_frame("ospf_frr_ls_update_external");
    auto lsas = lsa_bytes(golden_packet("ospf_frr_ls_update_external"));
    auto as_external = std::find_if(lsas.begin(), lsas.end(), [](const auto& lsa) { return lsa[3] == 5; });
    REQUIRE(as_external != lsas.end());
    as_external->resize(as_external->size() - 2);
    auto packet = update_of(*as_external);
    std::vector<std::uint8_t> cut_frame(external_frame.begin(), external_frame.begin() + 14 + 20);
    cut_frame.insert(cut_frame.end(), packet.begin(), packet.end());
    const auto ip_length = 20 + packet.size();  // the IPv4 header's length and checksum, made right
    cut_frame[14 + 2] = static_cast<std::uint8_t>(ip_length >> 8);
    cut_frame[14 + 3] = static_cast<std::uint8_t>(ip_length);
    cut_frame[14 + 10] = cut_frame[14 + 11] = 0;
    InternetChecksum ip_sum;
    ip_sum.add(Bytes(cut_frame).subspan(14, 20));
    cut_frame[14 + 10] = static_cast<std::uint8_t>(ip_sum.value() >> 8);
    cut_frame[14 + 11] = static_cast<std::uint8_t>(ip_sum.value());
    layers = emu::trace::describe_frame(cut_frame, {});
    REQUIRE(layers.size() == 3);
    CHECK(layers[2].summary ==
          "OSPF malformed: AS-external-LSA at byte 4 of the update: 10 bytes of external routes, not whole 12-byte "
          "entries (at byte 62)");
}
