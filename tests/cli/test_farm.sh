#!/usr/bin/env bash
# edgebench farm end to end, against real transports started here:
# - a real OpenSSH sshd on loopback (generated host and user keys, its own
#   config, two ports) acting as two devices with separate work directories;
# - the aarch64 build under qemu-aarch64 through the exec transport (when
#   tools/cross-aarch64.sh can build it);
# - a device that is down (nothing listens), one whose edgebench is missing,
#   one that times out, one whose host key is not the known one;
# then the merged file (h5py), the report with the devices side by side,
# copying only what changed, Ctrl-C, inventory errors and quoting.
. "$(dirname "$0")/lib.sh"
SC="$EB_SOURCE_DIR/tests/data/farm/fast.yaml"
SSHD=/usr/sbin/sshd
for tool in "$SSHD" ssh scp ssh-keygen; do
    if ! command -v "$tool" >/dev/null; then
        echo "skipped: $tool not found (openssh-server / openssh-client; tools/install-deps.sh)"
        exit 77
    fi
done
have_h5py() { /usr/bin/python3 -c 'import h5py' 2>/dev/null; }

# ---- sshd on two loopback ports --------------------------------------------
K="$WORK/ssh"
mkdir -p "$K" && chmod 700 "$K"
ssh-keygen -q -t ed25519 -N '' -f "$K/host_key" -C farm-test-host
ssh-keygen -q -t ed25519 -N '' -f "$K/other_host_key" -C not-the-host
ssh-keygen -q -t ed25519 -N '' -f "$K/user_key" -C farm-test-user
cp "$K/user_key.pub" "$K/authorized_keys"
read -r P1 P2 P3 < <(/usr/bin/python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
cat >"$K/sshd_config" <<CFG
Port $P1
Port $P2
ListenAddress 127.0.0.1
HostKey $K/host_key
PidFile $K/sshd.pid
AuthorizedKeysFile $K/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
LogLevel VERBOSE
CFG
for p in "$P1" "$P2"; do
    echo "[127.0.0.1]:$p $(cut -d' ' -f1,2 "$K/host_key.pub")" >>"$K/known_hosts"
    echo "[127.0.0.1]:$p $(cut -d' ' -f1,2 "$K/other_host_key.pub")" >>"$K/wrong_known_hosts"
done
[ "$(id -u)" = 0 ] && mkdir -p /run/sshd # privilege separation directory
"$SSHD" -D -f "$K/sshd_config" -E "$K/sshd.log" &
SSHD_PID=$!
trap 'kill $SSHD_PID 2>/dev/null; wait $SSHD_PID 2>/dev/null; rm -rf "$WORK"' EXIT
USER_NAME=$(id -un)
ready=0
for _ in $(seq 50); do
    if ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$K/known_hosts" \
        -i "$K/user_key" -p "$P2" -l "$USER_NAME" 127.0.0.1 true 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.2
done
if [ "$ready" != 1 ]; then
    echo "sshd did not come up on 127.0.0.1:$P2:"
    cat "$K/sshd.log"
    exit 1
fi

# a device whose run outlasts its timeout (the version check answers)
cat >"$WORK/slow-edgebench" <<SH
#!/bin/sh
[ "\$1" = --version ] && exec "$EDGEBENCH" --version
sleep 60
SH
chmod +x "$WORK/slow-edgebench"

# ---- the aarch64 build under qemu (exec transport) -------------------------
QEMU_DEVICE=""
A64="$EB_BUILD_DIR/aarch64"
if command -v qemu-aarch64 >/dev/null &&
    EB_CROSS_QUIET=1 EB_CROSS_JOBS=2 "$EB_SOURCE_DIR/tools/cross-aarch64.sh" "$A64" >"$WORK/cross.log" 2>&1; then
    QEMU_DEVICE="
  - id: qemu-a64
    transport: exec
    command: [qemu-aarch64, -L, $A64/sysroot]
    edgebench: $A64/harness/edgebench
    work_dir: $WORK/dev-qemu
    tags: [arm64, emulated]
    set: [run.isolation=none]   # qemu-user cannot exec the cell child
    timeout_s: 300"
else
    echo "note: no qemu-aarch64 device (cross build unavailable):"
    tail -3 "$WORK/cross.log"
fi

ssh_dev() { # id port [extra yaml lines]
    cat <<DEV
  - id: $1
    transport: ssh
    host: 127.0.0.1
    port: $2
    user: $USER_NAME
    identity_file: ssh/user_key
    known_hosts: ssh/known_hosts
    connect_timeout_s: 5
    edgebench: $EDGEBENCH
DEV
}
{
    echo "inventory: 1"
    echo "jobs: 4"
    echo "devices:"
    ssh_dev ssh-a "$P1"
    echo "    work_dir: $WORK/dev-a"
    echo "    tags: [x86, ssh]"
    ssh_dev ssh-b "$P2"
    echo "    work_dir: $WORK/dev-b"
    echo "    tags: [x86, ssh]"
    echo "    threads: 2"
    ssh_dev down "$P3" | sed "s|known_hosts: ssh/known_hosts|known_hosts: ssh/known_hosts\n    retries: 1|"
    ssh_dev no-edgebench "$P1" | sed "s|edgebench: .*|edgebench: $WORK/no/such/edgebench|"
    echo "    work_dir: $WORK/dev-none"
    ssh_dev slow "$P2" | sed "s|edgebench: .*|edgebench: $WORK/slow-edgebench|"
    echo "    work_dir: $WORK/dev-slow"
    echo "    timeout_s: 4"
    ssh_dev stranger "$P1" | sed "s|ssh/known_hosts|ssh/wrong_known_hosts|"
    echo "    work_dir: $WORK/dev-stranger"
    echo "$QEMU_DEVICE"
} >"$WORK/inventory.yaml"

# ---- 1. the farm -----------------------------------------------------------
cd "$WORK"
# fast.yaml names the shipped model (../../../models: outside its folder);
# the qemu device is an exec prefix (the inventory runs programs here)
run_eb 3 farm inventory.yaml "$SC" -o farm.h5 --allow-outside-paths --trust-inventory
cat "$WORK/out"
expect_in "$WORK/out" '^ssh-a +ssh +ok +1 '
expect_in "$WORK/out" '^ssh-b +ssh +ok +1 '
expect_in "$WORK/out" '^down +ssh +unreachable +0 +2 '
expect_in "$WORK/out" '^no-edgebench +ssh +no_edgebench +0 '
expect_in "$WORK/out" '^slow +ssh +timeout +0 '
expect_in "$WORK/out" '^stranger +ssh +unreachable +0 '
expect_in "$WORK/err" 'down: unreachable .*retrying'
expect_in farm.h5.logs/stranger.log 'Host key verification failed'
expect_in farm.h5.logs/ssh-b.log 'backends.0.threads=2'
expect_in farm.h5.logs/ssh-a.log 'files: 2 copied'
# the timed-out run was ended on the device too (it ran on a terminal there)
sleep 1
CHECKS=$((CHECKS + 1))
pgrep -f "$WORK/slow-edgebench run" >/dev/null && fail "the timed-out run is still running there"
if [ -n "$QEMU_DEVICE" ]; then
    expect_in "$WORK/out" '^qemu-a64 +exec +ok +1 '
fi
run_eb 0 report farm.h5
expect_in "$WORK/out" '^By device: p50'
expect_in "$WORK/out" '^cell +(qemu-a64 +)?ssh-a +ssh-b$'
expect_in "$WORK/out" '^farm_fast ref/default/plain +[0-9.]+ +[0-9.]+ \([0-9.]+x\)'
expect_in "$WORK/out" 'ssh-a +ssh-b$'
[ -n "$QEMU_DEVICE" ] && expect_in "$WORK/out" 'qemu-a64'
if have_h5py; then
    CHECKS=$((CHECKS + 1))
    /usr/bin/python3 - farm.h5 "${QEMU_DEVICE:+qemu}" <<'PY' || fail "h5py disagrees with farm.h5"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
want = {"ssh-a", "ssh-b"} | ({"qemu-a64"} if sys.argv[2] else set())
devs = {g.attrs["device"] for g in f["runs"].values()}
assert devs == want, devs
assert len(f["summary"]) == len(f["runs"]) == len(want)
d = f["devices"]
assert d["ssh-a"].attrs["tags"] == "x86,ssh" and d["ssh-a"].attrs["farm_status"] == "ok"
assert d["ssh-a"].attrs["arch"] == "x86_64"
for dev, st in (("down", "unreachable"), ("no-edgebench", "no_edgebench"),
                ("slow", "timeout"), ("stranger", "unreachable")):
    assert d[dev].attrs["farm_status"] == st, (dev, d[dev].attrs["farm_status"])
    assert "attempt 1" in d[dev].attrs["farm_log"]
assert d["down"].attrs["farm_attempts"] == 2  # a number (schema 1.3)
if sys.argv[2]:
    assert d["qemu-a64"].attrs["arch"] == "aarch64", d["qemu-a64"].attrs["arch"]
    assert d["qemu-a64"].attrs["tags"] == "arm64,emulated"
PY
fi

# ---- 2. only what changed is copied ----------------------------------------
# the same model, a changed scenario: one file to copy, one unchanged
sed -e 's/iterations: 20/iterations: 25/' -e "s|path: ../../../models/|path: $EB_SOURCE_DIR/models/|" \
    "$SC" >"$WORK/fast2.yaml"
run_eb 0 farm inventory.yaml "$SC" -o again.h5 --device ssh-a --allow-outside-paths
expect_in again.h5.logs/ssh-a.log 'files: 0 copied \(0 bytes\), 2 unchanged'
run_eb 0 farm inventory.yaml "$WORK/fast2.yaml" -o again.h5 --tag ssh --allow-outside-paths
expect_in again.h5.logs/ssh-a.log 'files: 1 copied \([0-9]+ bytes\), 1 unchanged'
expect_in "$WORK/out" '2 of 2 devices measured'

# ---- 3. Ctrl-C: finished devices stay in the file --------------------------
{
    echo "inventory: 1"
    echo "devices:"
    ssh_dev ssh-a "$P1"
    echo "    work_dir: $WORK/dev-a"
    ssh_dev slow "$P2" | sed "s|edgebench: .*|edgebench: $WORK/slow-edgebench|"
    echo "    work_dir: $WORK/dev-slow"
    echo "    timeout_s: 120"
} >int.yaml
"$EDGEBENCH" farm int.yaml "$SC" -o int.h5 --allow-outside-paths \
    >"$WORK/int.out" 2>"$WORK/int.err" &
FARM=$!
for _ in $(seq 900); do
    grep -q 'ssh-a: ok' "$WORK/int.err" 2>/dev/null && break
    sleep 0.1
done
kill -INT $FARM
sleep 0.5
kill -INT $FARM
wait $FARM
rc=$?
CHECKS=$((CHECKS + 1))
[ "$rc" = 3 ] || fail "interrupted farm exited $rc, expected 3"
expect_in "$WORK/int.err" 'stopping: no new devices'
expect_in "$WORK/int.out" '^slow +ssh +interrupted'
run_eb 0 report int.h5 --format csv
expect_in "$WORK/out" '^000001,ssh-a,'

# ---- 4. inventory errors name file:line:col; values are never code ---------
printf 'inventory: 1\ndevices:\n  - id: x\n    transport: ssh\n    hots: a\n' >bad1.yaml
run_eb 2 farm bad1.yaml "$SC"
expect_in "$WORK/err" "bad1.yaml:5:5: device: unknown key 'hots' \(did you mean 'host'\?\)"
printf 'inventory: 1\ndevices:\n  - id: x\n    transport: ssh\n    host: -oProxyCommand=touch\n' >bad2.yaml
run_eb 2 farm bad2.yaml "$SC"
expect_in "$WORK/err" "bad2.yaml:5:11: device 'x': host '-oProxyCommand=touch' is not a host name"
printf 'inventory: 1\ndevices:\n  - id: x\n    transport: exec\n    command: "adb shell"\n    edgebench: e\n' >bad3.yaml
run_eb 2 farm bad3.yaml "$SC"
expect_in "$WORK/err" 'bad3.yaml:5:14: command must be a non-empty list'
run_eb 2 farm inventory.yaml "$SC" --device nosuch
expect_in "$WORK/err" "no device 'nosuch'"
run_eb 2 farm inventory.yaml "$WORK/missing.yaml"
{
    echo "inventory: 1"
    echo "devices:"
    ssh_dev quoted "$P1"
    echo "    work_dir: \"$WORK/dev q'; touch $WORK/pwned; '\""
} >quote.yaml
run_eb 0 farm quote.yaml "$SC" -o quote.h5 --allow-outside-paths
CHECKS=$((CHECKS + 1))
[ -e "$WORK/pwned" ] && fail "a work_dir value ran as shell code on the device"
CHECKS=$((CHECKS + 1))
[ -f "$WORK/dev q'; touch $WORK/pwned; '/farm_fast.yaml" ] ||
    fail "the quoted work_dir was not used literally"
finish
