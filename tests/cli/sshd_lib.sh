# A real OpenSSH sshd on loopback for farm tests (sourced after lib.sh):
# start_sshd generates host and user keys and a config in $WORK/ssh, starts
# sshd on a free port ($SSH_PORT) and waits until a login works; it returns
# 1 (and says why) when sshd or the ssh tools are missing or it does not
# come up. ssh_device ID prints an inventory entry for it.
start_sshd() {
    local tool
    for tool in /usr/sbin/sshd ssh scp ssh-keygen; do
        if ! command -v "$tool" >/dev/null; then
            echo "note: $tool not found (openssh-server / openssh-client)"
            return 1
        fi
    done
    SSH_DIR="$WORK/ssh"
    mkdir -p "$SSH_DIR" && chmod 700 "$SSH_DIR"
    ssh-keygen -q -t ed25519 -N '' -f "$SSH_DIR/host_key" -C test-host
    ssh-keygen -q -t ed25519 -N '' -f "$SSH_DIR/user_key" -C test-user
    cp "$SSH_DIR/user_key.pub" "$SSH_DIR/authorized_keys"
    SSH_PORT=$(/usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >"$SSH_DIR/sshd_config" <<CFG
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $SSH_DIR/host_key
PidFile $SSH_DIR/sshd.pid
AuthorizedKeysFile $SSH_DIR/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
CFG
    echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1,2 "$SSH_DIR/host_key.pub")" >"$SSH_DIR/known_hosts"
    [ "$(id -u)" = 0 ] && mkdir -p /run/sshd
    /usr/sbin/sshd -D -f "$SSH_DIR/sshd_config" -E "$SSH_DIR/sshd.log" &
    SSHD_PID=$!
    trap 'kill $SSHD_PID 2>/dev/null; wait $SSHD_PID 2>/dev/null; rm -rf "$WORK"' EXIT
    SSH_USER=$(id -un)
    local _
    for _ in $(seq 50); do
        if ssh -o BatchMode=yes -o StrictHostKeyChecking=yes \
            -o UserKnownHostsFile="$SSH_DIR/known_hosts" -i "$SSH_DIR/user_key" \
            -p "$SSH_PORT" -l "$SSH_USER" 127.0.0.1 true 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    echo "note: sshd did not come up on 127.0.0.1:$SSH_PORT"
    return 1
}

ssh_device() { # ID: an inventory entry (relative paths: the inventory is in $WORK)
    cat <<DEV
  - id: $1
    transport: ssh
    host: 127.0.0.1
    port: $SSH_PORT
    user: $SSH_USER
    identity_file: ssh/user_key
    known_hosts: ssh/known_hosts
    connect_timeout_s: 5
    edgebench: $EDGEBENCH
DEV
}
