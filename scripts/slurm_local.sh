#!/usr/bin/env bash
# Starts and stops a private one-node Slurm cluster (munged + slurmctld + slurmd) whose
# every file lives under one folder, so a test can bring up a real cluster, submit jobs
# to it, and take it down again without touching /etc/slurm, /etc/munge or a system
# Slurm that may run on the same machine.
#
#   scripts/slurm_local.sh start STATE_DIR   start the cluster; wait until its node is idle
#   scripts/slurm_local.sh stop  STATE_DIR   cancel its jobs, stop its daemons (idempotent)
#
# After start, `source STATE_DIR/env.sh` points sbatch, squeue, sinfo, scancel at the
# cluster (it exports SLURM_CONF). The node is `hostname -s` with `nproc` CPUs, one
# partition "local" (the default), select/cons_tres with CR_CPU so one CPU per array task
# and nproc tasks run at once. It needs no cgroups or systemd (proctrack/linuxproc,
# task/none), runs every daemon as root (SlurmUser=root, as in a container; start refuses
# other users), and listens on two free TCP ports chosen at start. start wipes what an earlier run left in STATE_DIR
# (after stopping any of its daemons still alive), so a stale folder is not a problem.
# The daemons' logs are STATE_DIR/{munged,slurmctld,slurmd}.log; start prints their
# tails when the cluster does not come up.
set -euo pipefail

readonly START_TIMEOUT_S=60   # how long start waits for the node to be idle
readonly STOP_TIMEOUT_S=15    # how long stop waits for a daemon before kill -9
readonly PORT_MIN=20000 PORT_MAX=59000

usage() {
  echo "usage: $0 start|stop STATE_DIR" >&2
  exit 2
}

die() {
  echo "slurm_local: error: $*" >&2
  exit 1
}

# --- processes -------------------------------------------------------------------------

# Prints the pid in pid file $1 if that process is alive and its command is $2.
live_pid() {
  local file=$1 comm=$2 pid
  [[ -f "$file" ]] || return 1
  pid=$(<"$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$comm" ]] && alive "$pid" || return 1
  echo "$pid"
}

# True while process $1 runs. A zombie counts as exited: an orphaned daemon's zombie
# waits for pid 1 to reap it, which a container's init may do late.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ "${stat%% *}" != Z ]]
}

# Sends TERM to the daemon named $2 whose pid is in file $1, waits for it to exit and
# kills it with KILL after STOP_TIMEOUT_S. Does nothing when it is not running.
stop_daemon() {
  local file=$1 comm=$2 pid i
  pid=$(live_pid "$file" "$comm") || { rm -f "$file"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT_S * 10; i++)); do
    alive "$pid" || { rm -f "$file"; echo "slurm_local: stopped $comm ($pid)"; return 0; }
    sleep 0.1
  done
  echo "slurm_local: $comm ($pid) still running after ${STOP_TIMEOUT_S}s, sending KILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive "$pid" || { rm -f "$file"; return 0; }
    sleep 0.1
  done
  echo "slurm_local: $comm ($pid) survived KILL" >&2
  return 1
}

# Prints process $1 and all its descendants.
process_tree() {
  local pid=$1 child
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
    process_tree "$child"
  done
}

# Kills the job step daemons (slurmstepd) of this cluster that outlive slurmd, and the
# job processes under them: our slurmd started them, so their environment holds
# SLURM_CONF=$1.
kill_stepds() {
  local conf=$1 dir pid
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    [[ "$(cat "$dir/comm" 2>/dev/null)" == slurmstepd ]] || continue
    tr '\0' '\n' 2>/dev/null <"$dir/environ" | grep -qxF "SLURM_CONF=$conf" || continue
    echo "slurm_local: killing leftover slurmstepd ($pid) and its job's processes"
    # shellcheck disable=SC2046
    kill -KILL $(process_tree "$pid") 2>/dev/null || true
  done
}

# --- ports -----------------------------------------------------------------------------

port_free() {
  local port=$1
  if command -v ss >/dev/null && [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]; then
    return 1
  fi
  # A connection that succeeds means something listens there.
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# Prints a free TCP port other than $1 (a random start, then upwards).
pick_port() {
  local taken=${1:-} port i
  port=$((PORT_MIN + (RANDOM * 32768 + RANDOM) % (PORT_MAX - PORT_MIN)))
  for ((i = 0; i < 500; i++, port++)); do
    ((port > PORT_MAX)) && port=$PORT_MIN
    [[ "$port" == "$taken" ]] && continue
    if port_free "$port"; then echo "$port"; return 0; fi
  done
  die "no free TCP port in $PORT_MIN..$PORT_MAX"
}

# --- start -----------------------------------------------------------------------------

write_conf() {
  local state=$1 node=$2 cpus=$3 ctld_port=$4 slurmd_port=$5
  cat >"$state/slurm.conf" <<EOF
# Written by scripts/slurm_local.sh: a one-node cluster whose files all live in
# $state.
ClusterName=tessera-local
SlurmctldHost=$node
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$state/munge.socket
CredType=cred/munge
StateSaveLocation=$state/statesave
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No mail from a test cluster (the default /usr/bin/mail is rarely installed).
MailProg=/bin/true
PlugStackConfig=$state/plugstack.conf
# No cgroups or systemd in a container: track processes through /proc, bind nothing.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
# One CPU per task, so nproc array tasks run at once.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# The node registers with the CPUs written here, whatever slurmd detects.
SlurmdParameters=config_overrides
# A node that was down comes back as soon as it registers.
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=300
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  : >"$state/plugstack.conf"
}

# The client and job variables of Slurm that would override what slurm.conf says (a
# partition, an account, the job of an outer cluster this runs in).
readonly SLURM_ENV_PATTERN='^(SLURM|SBATCH|SALLOC|SRUN|SQUEUE|SINFO)_'

unset_slurm_env() {
  local name
  for name in $(compgen -e | grep -E "$SLURM_ENV_PATTERN"); do unset "$name"; done
}

write_env() {
  local state=$1
  cat >"$state/env.sh" <<EOF
# Written by scripts/slurm_local.sh: source it to use the cluster in $state.
# Drops Slurm variables of the caller's environment (an outer job's, a default partition).
for _name in \$(compgen -e | grep -E '$SLURM_ENV_PATTERN'); do unset "\$_name"; done
unset _name
export SLURM_CONF=$state/slurm.conf
EOF
}

start_munged() {
  local state=$1
  # A fresh key per cluster, readable only by its owner (munged refuses anything else).
  rm -f "$state/munge.key"
  if command -v mungekey >/dev/null; then
    mungekey --create --keyfile="$state/munge.key"
  else
    dd if=/dev/urandom of="$state/munge.key" bs=1024 count=1 status=none
  fi
  chmod 0400 "$state/munge.key"
  # --force: run even where munged finds a folder above its files writable by others
  # (a group-writable build folder), which it otherwise refuses.
  munged --force --socket="$state/munge.socket" --key-file="$state/munge.key" \
    --pid-file="$state/munged.pid" --log-file="$state/munged.log" \
    --seed-file="$state/munged.seed" </dev/null >>"$state/munged.log" 2>&1 \
    || fail_start "$state" "munged did not start"
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -S "$state/munge.socket" ]] && return 0
    sleep 0.1
  done
  fail_start "$state" "munged started but its socket $state/munge.socket did not appear"
}

# Prints "STATE" of the node (idle, down*, unk, ...), or nothing while slurmctld does
# not answer.
node_state() {
  SLURM_CONF=$1/slurm.conf sinfo -h -N -o %t 2>/dev/null | head -n 1 || true
}

fail_start() {
  local state=$1 log
  echo "slurm_local: error: $2" >&2
  for log in munged slurmctld slurmd; do
    if [[ -s "$state/$log.log" ]]; then
      echo "--- last lines of $state/$log.log" >&2
      tail -n 20 "$state/$log.log" >&2
    fi
  done
  do_stop "$state" >&2
  exit 1
}

do_start() {
  local state=$1 node cpus ctld_port slurmd_port st i tool misses=0
  [[ $(id -u) -eq 0 ]] || die "start needs root (the cluster's SlurmUser and SlurmdUser are root)"
  for tool in munged slurmctld slurmd sinfo; do
    command -v "$tool" >/dev/null || die "$tool not found (scripts/setup.sh installs slurm-wlm and munge)"
  done
  mkdir -p "$state"
  state=$(cd "$state" && pwd)
  # A Unix socket path holds at most 107 bytes.
  ((${#state} + 13 <= 107)) || die "STATE_DIR path too long for munge's socket: $state"

  # Whatever an earlier run left: its daemons, then its files.
  if [[ -f "$state/slurm.conf" || -f "$state/munged.pid" ]]; then
    echo "slurm_local: cleaning up an earlier cluster in $state"
    do_stop "$state"
  fi
  rm -rf "$state/statesave" "$state/spool" "$state"/*.log "$state"/*.pid \
    "$state/munge.socket"* "$state/munged.seed" "$state/slurm.conf" "$state/env.sh"
  mkdir -p "$state/statesave" "$state/spool"

  node=$(hostname -s)
  cpus=$(nproc)
  ctld_port=$(pick_port)
  slurmd_port=$(pick_port "$ctld_port")
  write_conf "$state" "$node" "$cpus" "$ctld_port" "$slurmd_port"

  start_munged "$state"
  SLURM_CONF=$state/slurm.conf slurmctld -f "$state/slurm.conf" </dev/null >>"$state/slurmctld.log" 2>&1 \
    || fail_start "$state" "slurmctld did not start"
  SLURM_CONF=$state/slurm.conf slurmd -f "$state/slurm.conf" -N "$node" </dev/null >>"$state/slurmd.log" 2>&1 \
    || fail_start "$state" "slurmd did not start"

  for ((i = 0; i < START_TIMEOUT_S * 2; i++)); do
    st=$(node_state "$state")
    if [[ "$st" == idle ]]; then
      write_env "$state"
      echo "slurm_local: node $node ($cpus CPUs) idle; slurmctld port $ctld_port, slurmd port $slurmd_port"
      echo "slurm_local: source $state/env.sh to use it"
      return 0
    fi
    # Its pid file may lag its start: three misses in a row (1 s) mean it exited.
    if live_pid "$state/slurmctld.pid" slurmctld >/dev/null; then
      misses=0
    elif ((++misses >= 3)); then
      fail_start "$state" "slurmctld exited"
    fi
    sleep 0.5
  done
  fail_start "$state" "node $node not idle after ${START_TIMEOUT_S}s (state: ${st:-no answer from slurmctld})"
}

# --- stop ------------------------------------------------------------------------------

do_stop() {
  local state=$1 jobs i
  [[ -d "$state" ]] || return 0
  state=$(cd "$state" && pwd)
  if live_pid "$state/slurmctld.pid" slurmctld >/dev/null; then
    jobs=$(SLURM_CONF=$state/slurm.conf squeue -h -o %A 2>/dev/null | sort -u || true)
    if [[ -n "$jobs" ]]; then
      echo "slurm_local: cancelling jobs ${jobs//$'\n'/ }"
      # shellcheck disable=SC2086
      SLURM_CONF=$state/slurm.conf scancel $jobs 2>/dev/null || true
      for ((i = 0; i < 20; i++)); do
        [[ -z "$(SLURM_CONF=$state/slurm.conf squeue -h -o %A 2>/dev/null)" ]] && break
        sleep 0.5
      done
    fi
  fi
  stop_daemon "$state/slurmd.pid" slurmd
  kill_stepds "$state/slurm.conf"
  stop_daemon "$state/slurmctld.pid" slurmctld
  stop_daemon "$state/munged.pid" munged
  rm -f "$state/munge.socket" "$state/munge.socket.lock"
}

[[ $# -eq 2 ]] || usage
unset_slurm_env
case "$1" in
  start) do_start "$2" ;;
  stop) do_stop "$2" ;;
  *) usage ;;
esac
