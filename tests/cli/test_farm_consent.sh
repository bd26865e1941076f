#!/usr/bin/env bash
# What farm runs and copies needs the user's consent (docs/security.md):
# - an inventory's exec prefixes and a local device's own edgebench run here
#   only with --trust-inventory;
# - a scenario's (or a device's) metrics.power_command only with
#   --allow-commands;
# - files outside the scenario's folder only with --allow-outside-paths, and
#   only regular files ever;
# - everything placed on a device has a plain name, the scenario's too: a
#   name with shell metacharacters copied with the legacy scp protocol
#   (scp -O, read by the device's shell) runs nothing there;
# - a device's results may only speak for that device.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sshd_lib.sh"
MODEL="$EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx"
cd "$WORK"
mkdir -p s
cp "$MODEL" s/tiny.onnx
scenario() { # FILE NAME MODEL_PATH [extra lines]
    cat >"$1" <<YAML
edgebench: 1
name: "$2"
model:
  path: $3
inputs: {kind: random, seed: 3}
backends: [ref]
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 5, min_time_ms: 0, max_time_ms: 2000}
  timeout_s: 60
${4:-}
YAML
}
scenario s/ok.yaml consent_ok tiny.onnx
local_dev() { # ID [extra lines]
    printf '  - id: %s\n    transport: local\n    work_dir: dev-%s\n%s\n' "$1" "$1" "${2:-}"
}
{ echo "inventory: 1"; echo "devices:"; local_dev here; } >local.yaml

# ---- 1. the inventory runs programs here only when trusted -----------------
{
    echo "inventory: 1"
    echo "devices:"
    printf '  - id: emu\n    transport: exec\n    command: [env, EB_MARK=1]\n'
    printf '    edgebench: %s\n    work_dir: dev-emu\n' "$EDGEBENCH"
} >exec.yaml
run_eb 2 farm exec.yaml s/ok.yaml -o exec.h5
expect_in "$WORK/err" "exec.yaml:5:14: device 'emu': command runs a program of the inventory's choosing on this machine"
expect_in "$WORK/err" 'add --trust-inventory'
CHECKS=$((CHECKS + 1))
[ -e dev-emu ] && fail "the untrusted exec device was started"
run_eb 0 farm exec.yaml s/ok.yaml -o exec.h5 --trust-inventory
expect_in "$WORK/out" '^emu +exec +ok +1 '
# a local device with an edgebench of the inventory's choosing
printf '#!/bin/sh\ntouch "%s/ran-local-program"\nexec "%s" "$@"\n' "$WORK" "$EDGEBENCH" >other-eb
chmod +x other-eb
{ echo "inventory: 1"; echo "devices:"; local_dev mine "    edgebench: other-eb"; } >prog.yaml
run_eb 2 farm prog.yaml s/ok.yaml -o prog.h5
expect_in "$WORK/err" "prog.yaml:6:16: device 'mine': edgebench runs a program"
CHECKS=$((CHECKS + 1))
[ -e ran-local-program ] && fail "an untrusted inventory's program ran"
run_eb 0 farm prog.yaml s/ok.yaml -o prog.h5 --trust-inventory
CHECKS=$((CHECKS + 1))
[ -e ran-local-program ] || fail "the trusted inventory's program did not run"
# a local device running this very edgebench needs no trust
run_eb 0 farm local.yaml s/ok.yaml -o local.h5
expect_in "$WORK/out" '^here +local +ok +1 '

# ---- 2. commands: only with --allow-commands -------------------------------
scenario s/meter.yaml consent_meter tiny.onnx \
    "metrics: {power: command, power_command: \"touch $WORK/meter-ran; echo 2 W\", sample_period_ms: 20}"
run_eb 2 farm local.yaml s/meter.yaml -o meter.h5
expect_in "$WORK/err" 's/meter.yaml:11:[0-9]+: metrics.power_command runs the shell command'
expect_in "$WORK/err" 'add --allow-commands'
CHECKS=$((CHECKS + 1))
[ -e meter-ran ] && fail "the scenario's command ran without --allow-commands"
run_eb 0 farm local.yaml s/meter.yaml -o meter.h5 --allow-commands
CHECKS=$((CHECKS + 1))
[ -e meter-ran ] || fail "the allowed command did not run on the device"
expect_in meter.h5.logs/here.log "'--allow-commands'"
# a device's own set: gives one
{ echo "inventory: 1"; echo "devices:"
  local_dev setter "    set: [\"metrics.power_command=touch $WORK/set-ran\"]"; } >set.yaml
run_eb 2 farm set.yaml s/ok.yaml -o set.h5
expect_in "$WORK/err" "set.yaml: device 'setter': set: metrics.power_command=touch .* runs a shell command"
CHECKS=$((CHECKS + 1))
[ -e set-ran ] && fail "the device's set command ran without --allow-commands"

# ---- 3. what is copied: inside the scenario's folder, regular files --------
echo "not for the boards" >secret.onnx
scenario s/up.yaml consent_up ../secret.onnx
run_eb 2 farm local.yaml s/up.yaml -o up.h5
expect_in "$WORK/err" "s/up.yaml:4:9: model.path: .*/secret.onnx is outside the scenario's folder"
expect_in "$WORK/err" 'allow-outside-paths'
scenario s/abs.yaml consent_abs /etc/passwd
run_eb 2 farm local.yaml s/abs.yaml -o abs.h5
expect_in "$WORK/err" "model.path: /etc/passwd is outside the scenario's folder"
ln -s ../secret.onnx s/link.onnx
scenario s/link.yaml consent_link link.onnx
run_eb 2 farm local.yaml s/link.yaml -o link.h5
expect_in "$WORK/err" "secret.onnx is outside the scenario's folder .* \(links followed\)"
CHECKS=$((CHECKS + 1))
ls dev-here/models 2>/dev/null | grep -q secret && fail "an outside file reached the device"
scenario s/dev.yaml consent_dev /dev/null
run_eb 2 farm local.yaml s/dev.yaml -o dev.h5 --allow-outside-paths
expect_in "$WORK/err" 'model.path: /dev/null is not a regular file'
# explicitly allowed: the shipped model next to the source tree
scenario s/shipped.yaml consent_shipped "$MODEL"
run_eb 0 farm local.yaml s/shipped.yaml -o shipped.h5 --allow-outside-paths

# ---- 4. names on the device are plain words --------------------------------
MARK="eb-pwned-$$"
EVIL="-x;touch $MARK;\$(touch $MARK)\`touch $MARK\`"
scenario s/evil.yaml "$EVIL" tiny.onnx
run_eb 0 farm local.yaml s/evil.yaml -o evil.h5
CHECKS=$((CHECKS + 1))
staged=$(ls dev-here | grep -v -e '^models$' -e '^inputs$' -e '^results$' | grep -v '^consent_' || true)
echo "$staged" | grep -Eqx '_x_touch_[A-Za-z0-9._-]+\.yaml' || fail "the scenario was staged as '$staged'"
if start_sshd; then
    # the legacy scp protocol hands remote paths to the device's shell
    mkdir -p bin
    printf '#!/bin/sh\nexec /usr/bin/scp -O "$@"\n' >bin/scp
    chmod +x bin/scp
    { echo "inventory: 1"; echo "devices:"; ssh_device legacy; echo "    work_dir: $WORK/dev-legacy"; } >ssh.yaml
    rm -f "$HOME/$MARK" "$WORK/dev-legacy/$MARK" "$MARK"
    PATH="$WORK/bin:$PATH" run_eb 0 farm ssh.yaml s/evil.yaml -o ssh.h5
    expect_in ssh.h5.logs/legacy.log "scp -O|'-O'|files: 2 copied"
    CHECKS=$((CHECKS + 1))
    if [ -e "$HOME/$MARK" ] || [ -e "$WORK/dev-legacy/$MARK" ] || [ -e "$MARK" ]; then
        fail "the scenario's name ran as shell code on the device"
        rm -f "$HOME/$MARK"
    fi
    CHECKS=$((CHECKS + 1))
    ls "$WORK/dev-legacy" | grep -Eqx '_x_touch_[A-Za-z0-9._-]+\.yaml' ||
        fail "the scenario was not staged under a plain name over ssh"
else
    echo "note: the legacy-scp check needs sshd; skipped"
fi

# ---- 5. a device files runs only under its own id --------------------------
cat >liar <<SH
#!/bin/sh
# an edgebench that claims to be another device
prev=
for a do
    shift
    [ "\$prev" = --device-id ] && a=victim
    set -- "\$@" "\$a"
    prev=\$a
done
exec "$EDGEBENCH" "\$@"
SH
chmod +x liar
{ echo "inventory: 1"; echo "devices:"; local_dev liar "    edgebench: liar"; } >liar.yaml
run_eb 3 farm liar.yaml s/ok.yaml -o liar.h5 --trust-inventory
expect_in "$WORK/out" "^liar +local +failed +0 "
expect_in "$WORK/err" "liar: its results file (describes device|holds runs of device) 'victim', not 'liar': not merged"
run_eb 0 report liar.h5 --format csv
expect_not_in "$WORK/out" 'victim'
finish
