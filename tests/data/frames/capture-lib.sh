# Shared by the capture scripts of TCP text protocols (capture-ftp, capture-mail): a
# two-node lab (srv 10.0.9.1, cli 10.0.9.2 on one switch) with checksum offload off so that
# tcpdump sees the checksums the wire carries, captures around commands, frames picked by
# Wireshark display filters written out as hex, and whole sessions: each side's bytes of a
# TCP connection in order (tests/data/sessions/NAME.client.hex and NAME.server.hex), since
# a reply may come in several segments. Sourced, not run; the script sets `lab`,
# `work` and `emu`, and removes the lab in its own cleanup (lab_down). capture-igmp, which
# makes namespaces of its own, uses only the frame picking (frame_hex, write_frames: `work`).

# lab_up: the two-node lab.
lab_up() {
  cat > "$work/lab.yaml" <<YAML
name: textgold
nodes:
  lan: {kind: switch}
  srv: {interfaces: {eth0: 10.0.9.1/24}}
  cli: {interfaces: {eth0: 10.0.9.2/24}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [cli:eth0, lan]
YAML
  "$emu" up "$work/lab.yaml" --name "$lab" >/dev/null
  in_node srv ethtool -K eth0 tx off >/dev/null
  in_node cli ethtool -K eth0 tx off >/dev/null
}

lab_down() {
  "$emu" down "$lab" >/dev/null 2>&1 || true
  "$emu" shutdown >/dev/null 2>&1 || true
}

# in_node NODE COMMAND…
in_node() { local node=$1; shift; ip netns exec "emu-$lab-$node" "$@"; }

# until_listening NODE PORT: waits (at most 10 s) for a TCP listener on the node's port.
until_listening() {
  for _ in $(seq 200); do
    in_node "$1" ss -ltnH "sport = :$2" | grep -q . && return 0
    sleep 0.05
  done
  echo "nothing listens on $1 port $2" >&2
  return 1
}

# capture NAME COMMAND…: runs the command while tcpdump records the server's eth0 to NAME.pcap.
capture() {
  local name=$1; shift
  in_node srv tcpdump -i eth0 --immediate-mode -U -s 0 -w "$work/$name.pcap" tcp 2>/dev/null &
  local tcpdump_pid=$!
  until [[ -s $work/$name.pcap ]]; do sleep 0.05; done
  "$@" >/dev/null
  sleep 0.3  # tcpdump writes the last frames out (-U) a moment after they pass
  kill "$tcpdump_pid"; wait "$tcpdump_pid" || true
}

# frame_hex PCAP DISPLAY_FILTER: the first matching frame's bytes as hex, or nothing.
frame_hex() {
  local pcap=$1 filter=$2 number
  number=$(tshark -r "$pcap" -Y "$filter" -T fields -e frame.number 2>/dev/null | head -1)
  [[ -n $number ]] || return 0
  editcap -r "$pcap" "$work/one.pcap" "$number" 2>/dev/null
  tcpdump -r "$work/one.pcap" -c1 -xx 2>/dev/null | awk '/^\t0x/ { $1 = ""; print }' | tr -d ' \n'
}

# write_frames ENTRY…: each "name|pcap|display filter" written to tests/data/frames/NAME.hex.
write_frames() {
  local entry name pcap filter hex
  for entry in "$@"; do
    IFS='|' read -r name pcap filter <<< "$entry"
    hex=$(frame_hex "$work/$pcap.pcap" "$filter")
    [[ -n $hex ]] || { echo "no frame for $name ($filter in $pcap.pcap)" >&2; return 1; }
    printf '%s\n' "$hex" | fold -w 64 > "tests/data/frames/$name.hex"
  done
  echo "wrote $# frames to tests/data/frames"
}

# stream_hex PCAP DISPLAY_FILTER SIDE: the bytes one side (client: the side that opened the
# connection; server) sent on the TCP connection of the first matching frame, as hex.
stream_hex() {
  local pcap=$1 filter=$2 side=$3 stream
  stream=$(tshark -r "$pcap" -Y "$filter" -T fields -e tcp.stream 2>/dev/null | head -1)
  [[ -n $stream ]] || return 0
  # Follow's raw output: a line of hex per segment, the second node's (the server's) indented.
  tshark -r "$pcap" -q -z "follow,tcp,raw,$stream" 2>/dev/null |
    awk -v side="$side" '/^=+$/ { inside = !inside; next }
      inside && /^(Follow|Filter|Node [01]):/ { next }
      inside && side == "server" && /^\t/ { sub(/^\t/, ""); printf "%s", $0 }
      inside && side == "client" && /^[0-9a-f]/ { printf "%s", $0 }'
}

# write_sessions ENTRY…: each "name|pcap|display filter" written as the two sides of its
# connection to tests/data/sessions/NAME.client.hex and NAME.server.hex.
write_sessions() {
  local entry name pcap filter side hex
  mkdir -p tests/data/sessions
  for entry in "$@"; do
    IFS='|' read -r name pcap filter <<< "$entry"
    for side in client server; do
      hex=$(stream_hex "$work/$pcap.pcap" "$filter" "$side")
      [[ -n $hex ]] || { echo "no $side bytes for $name ($filter in $pcap.pcap)" >&2; return 1; }
      printf '%s\n' "$hex" | fold -w 64 > "tests/data/sessions/$name.$side.hex"
    done
  done
  echo "wrote $# sessions to tests/data/sessions"
}
