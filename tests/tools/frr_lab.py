#!/usr/bin/env python3
"""frr_lab: the same lab with FRR in each router instead of emu-router.

Reads an emu topology whose routers run emu-router (`services: rip:` and/or `ospf:`) and
writes the same topology with FRR 8.4 in those routers: zebra and ripd/ospfd, configured
with the same timers, passive interfaces, costs, priorities and network types as emu-router
would use (docs/topology.md), each started by the node's `exec:` from a start script, so
that `emu up` starts FRR the way it starts emu-router. ci/bench-routing runs both side by
side. The paths follow docs/routing.md, "FRR as a peer".

    frr_lab.py TOPOLOGY OUT_TOPOLOGY WORK_DIRECTORY
"""
import os
import re
import stat
import sys

import yaml

FRR = "/usr/lib/frr"


def seconds(value, default):
    """A duration as docs/topology.md allows it: a number of seconds, `2.5s`, `500ms`."""
    if value is None:
        return default
    if isinstance(value, (int, float)):
        return float(value)
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(ms|s)?", str(value).strip())
    if not match:
        raise SystemExit(f"frr_lab: cannot read {value!r} as a duration")
    number = float(match.group(1))
    return number / 1000 if match.group(2) == "ms" else number


def per_interface(value, interface, default):
    if isinstance(value, dict):
        return value.get(interface, default)
    return default if value is None else value


def interface_peers(topology):
    """For each node:interface, whether its link goes to a switch (else to another node)."""
    nodes = topology.get("nodes", {})
    to_switch = {}
    for link in topology.get("links", []):
        ends = link["endpoints"]
        for end, other in ((ends[0], ends[1]), (ends[1], ends[0])):
            if ":" not in end or nodes.get(end.split(":")[0], {}).get("kind") == "switch":
                continue
            other_node = other.split(":")[0]
            to_switch[end] = nodes.get(other_node, {}).get("kind") == "switch"
    return to_switch


def whole_seconds(value, default, what):
    number = seconds(value, default)
    if number < 1 or not float(number).is_integer():
        raise SystemExit(f"frr_lab: {what} must be whole seconds for ospfd, not {value!r}")
    return int(number)


def interface_address(name, node, interface):
    address = node["interfaces"].get(interface)
    if not isinstance(address, str) or "/" not in address:
        raise SystemExit(f"frr_lab: {name}:{interface} needs one IPv4 address/length for FRR, not {address!r}")
    return address


def ospfd_conf(name, node, config, to_switch):
    interfaces = config.get("interfaces") or list(node["interfaces"])
    passive = set(config.get("passive") or [])
    hello = whole_seconds(config.get("hello"), 10, "hello")
    dead = whole_seconds(config.get("dead"), 4 * hello, "dead")
    retransmit = whole_seconds(config.get("retransmit"), 5, "retransmit")
    lines = []
    for interface in interfaces:
        network = per_interface(config.get("network"), interface, None) or (
            "broadcast" if to_switch.get(f"{name}:{interface}") else "point-to-point")
        lines += [f"interface {interface}",
                  f" ip ospf network {network}",
                  f" ip ospf hello-interval {hello}",
                  f" ip ospf dead-interval {dead}",
                  f" ip ospf retransmit-interval {retransmit}",
                  f" ip ospf cost {per_interface(config.get('cost'), interface, 10)}",
                  f" ip ospf priority {per_interface(config.get('priority'), interface, 1)}"]
        if interface in passive:
            lines.append(" ip ospf passive")
    lines.append("router ospf")
    if config.get("router_id"):
        lines.append(f" ospf router-id {config['router_id']}")
    for interface in interfaces:
        lines.append(f" network {interface_address(name, node, interface)} area 0")
    # emu-router runs SPF at once; FRR's first SPF after a change waits `delay` ms.
    lines.append(" timers throttle spf 0 50 500")
    lines.append(f" timers throttle lsa all {int(seconds(config.get('min_ls_interval'), 5) * 1000)}")
    lines.append(f" timers lsa min-arrival {int(seconds(config.get('min_ls_arrival'), 1) * 1000)}")
    return "\n".join(lines) + "\n"


def ripd_conf(node, config):
    interfaces = config.get("interfaces") or list(node["interfaces"])
    update = seconds(config.get("update"), 30)
    timeout = seconds(config.get("timeout"), 180)
    garbage = seconds(config.get("garbage"), 120)
    if min(update, timeout, garbage) < 5 or not all(float(t).is_integer() for t in (update, timeout, garbage)):
        raise SystemExit("frr_lab: ripd's timers are whole seconds, 5 or more (timers basic)")
    poisoned = config.get("poisoned_reverse", True)
    lines = []
    for interface in interfaces:
        lines += [f"interface {interface}",
                  " ip rip split-horizon poisoned-reverse" if poisoned else " ip rip split-horizon"]
    lines += ["router rip", " version 2", f" timers basic {int(update)} {int(timeout)} {int(garbage)}"]
    lines += [f" network {interface}" for interface in interfaces]
    lines += [f" passive-interface {interface}" for interface in config.get("passive") or []]
    return "\n".join(lines) + "\n"


def start_script(directory, daemon):
    def command(program):
        return (f"{FRR}/{program} -u root -g frrvty -f {directory}/{program}.conf -i {directory}/{program}.pid "
                f"-z {directory}/zserv.api --vty_socket {directory} -P 0 --log file:{directory}/{program}.log")
    return "\n".join([
        "#!/bin/sh",
        f"# FRR in this node (written by tests/tools/frr_lab.py): zebra, then {daemon} once",
        "# zebra's socket is there (a client that finds none retries only 10 s later). FRR",
        "# leaves its sockets and pid files behind when it stops: an old socket would not do.",
        f"rm -f {directory}/zserv.api {directory}/*.vty {directory}/*.pid",
        f"{command('zebra')} &",
        f"until [ -S {directory}/zserv.api ]; do sleep 0.01; done",
        f"exec {command(daemon)}",
        ""])


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    source, out, work = sys.argv[1:]
    with open(source) as file:
        topology = yaml.safe_load(file)
    to_switch = interface_peers(topology)
    for name, node in topology["nodes"].items():
        services = node.get("services") or {}
        if node.get("kind") != "router" or not ({"rip", "ospf"} & set(services)):
            continue
        if {"rip", "ospf"} <= set(services):
            raise SystemExit(f"frr_lab: {name} runs RIP and OSPF; one FRR daemon per router here")
        daemon = "ospfd" if "ospf" in services else "ripd"
        config = services.get("ospf" if daemon == "ospfd" else "rip") or {}
        directory = os.path.join(os.path.abspath(work), name)
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "zebra.conf"), "w") as file:
            file.write(f"hostname {name}\n")
        with open(os.path.join(directory, f"{daemon}.conf"), "w") as file:
            file.write(ospfd_conf(name, node, config, to_switch) if daemon == "ospfd" else ripd_conf(node, config))
        script = os.path.join(directory, "start")
        with open(script, "w") as file:
            file.write(start_script(directory, daemon))
        os.chmod(script, os.stat(script).st_mode | stat.S_IXUSR)
        others = {key: value for key, value in services.items() if key not in ("rip", "ospf")}
        if others:
            node["services"] = others
        else:
            node.pop("services")
        node["exec"] = list(node.get("exec") or []) + [script]
    with open(out, "w") as file:
        yaml.safe_dump(topology, file, sort_keys=False)


if __name__ == "__main__":
    main()
