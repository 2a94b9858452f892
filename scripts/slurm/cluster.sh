#!/usr/bin/env bash
# A real single-node Slurm cluster (munged, slurmctld, slurmd from Debian's slurm-wlm and munge) on
# 127.0.0.1, for tests and CI. No systemd or init system needed: the daemons run in the foreground as
# children of whoever starts them. Everything lives in one folder: munge key (new per run), slurm.conf,
# state, spool, logs; stop removes it. Needs root (SlurmUser=root), bash, node (free ports) and the
# Debian packages slurm-wlm and munge.
#
# usage: cluster.sh start [DIR]     prepare DIR (default: a new temp folder), start the three daemons
#                                   in the background, wait until the node is idle; prints DIR
#        cluster.sh stop DIR        cancel every job, stop the daemons started for DIR and every
#                                   process that still carries DIR's marker, remove DIR
#        cluster.sh env DIR         prints `export SLURM_CONF=...` for the client commands
#        cluster.sh prepare DIR     folders, munge key and slurm.conf only (ports: $SLURMCTLD_PORT and
#                                   $SLURMD_PORT, or free ones; extra slurm.conf lines: $SLURM_EXTRA_CONF)
#        cluster.sh run NAME DIR    exec one daemon (munged|slurmctld|slurmd) in the foreground
#
# Environment: SLURM_START_TIMEOUT (seconds, default 30) bounds `start`.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DAEMONS=(munged slurmctld slurmd)
# Every daemon (and so every slurmstepd and job it starts) carries this variable, set to the cluster's
# folder: stop finds leftovers by it and touches no other process.
MARKER=NEUROPORTAL_SLURM_DIR

die() { echo "cluster.sh: $*" >&2; exit 1; }

free_ports() {
  node -e '
    const net = require("node:net");
    const take = () => new Promise((resolve) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => resolve(s)); });
    Promise.all([take(), take()]).then((servers) => { console.log(servers.map((s) => s.address().port).join(" ")); servers.forEach((s) => s.close()); });'
}

prepare() {
  local dir=$1
  mkdir -p "$dir"/{munge,key,state,spool,log,run}
  # munged insists that every folder above its socket can be entered by all and that the key is private.
  chmod 755 "$dir" "$dir/munge"
  chmod 700 "$dir/key"
  dd if=/dev/urandom of="$dir/key/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/key/munge.key"
  local ctld_port=${SLURMCTLD_PORT:-} slurmd_port=${SLURMD_PORT:-}
  if [[ -z $ctld_port || -z $slurmd_port ]]; then read -r ctld_port slurmd_port < <(free_ports); fi
  # The machine's real CPUs, sockets, cores and memory, as slurmd itself sees them.
  local node
  node=$(slurmd -C | head -n 1 | sed -E 's/^NodeName=[^ ]+/NodeName=localhost NodeAddr=127.0.0.1/')
  [[ $node == NodeName=localhost* ]] || die "slurmd -C printed no node line"
  sed -e "s|@DIR@|$dir|g" -e "s|@SLURMCTLD_PORT@|$ctld_port|g" -e "s|@SLURMD_PORT@|$slurmd_port|g" \
      -e "s|@NODE@|$node|" "$HERE/slurm.conf.in" > "$dir/slurm.conf"
  if [[ -n ${SLURM_EXTRA_CONF:-} ]]; then printf '%s\n' "$SLURM_EXTRA_CONF" >> "$dir/slurm.conf"; fi
}

run() {
  local name=$1 dir=$2
  export "$MARKER=$dir" SLURM_CONF="$dir/slurm.conf"
  case $name in
    munged) exec munged --foreground --key-file="$dir/key/munge.key" --socket="$dir/munge/munge.socket" \
              --pid-file="$dir/run/munged.pid" --seed-file="$dir/run/munged.seed" --log-file="$dir/log/munged.log" ;;
    slurmctld) exec slurmctld -D -f "$dir/slurm.conf" ;;
    slurmd) exec slurmd -D -N localhost -f "$dir/slurm.conf" ;;
    *) die "unknown daemon '$name' (munged, slurmctld or slurmd)" ;;
  esac
}

logs() {
  local dir=$1 file
  for file in "$dir"/log/*; do [[ -f $file ]] && { echo "--- $file"; tail -n 20 "$file"; }; done
}

# A process that exists and is not a zombie (a daemon whose starting shell is gone is reaped by
# whatever runs as pid 1, which in a container may never do it).
running() { [[ -r /proc/$1/stat ]] && [[ $(sed -E 's/.*\) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) != Z ]]; }
alive() { [[ -f $1 ]] && running "$(cat "$1")"; }

ready() {
  local dir=$1
  SLURM_CONF="$dir/slurm.conf" scontrol ping >/dev/null 2>&1 &&
    [[ $(SLURM_CONF="$dir/slurm.conf" sinfo -h -o %T 2>/dev/null) == idle ]]
}

start() {
  local dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/neuroportal-slurm.XXXXXX")} name
  prepare "$dir"
  for name in "${DAEMONS[@]}"; do
    bash "${BASH_SOURCE[0]}" run "$name" "$dir" </dev/null >"$dir/log/$name.out" 2>&1 &
    echo $! >"$dir/run/$name.started"
    # slurmctld and slurmd need munged's socket from their first moment.
    if [[ $name == munged ]]; then
      for _ in $(seq 1 50); do [[ -S $dir/munge/munge.socket ]] && break; sleep 0.1; done
    fi
  done
  local deadline=$((SECONDS + ${SLURM_START_TIMEOUT:-30}))
  until ready "$dir"; do
    for name in "${DAEMONS[@]}"; do
      alive "$dir/run/$name.started" || { logs "$dir" >&2; stop "$dir"; die "$name exited during start-up (logs above)"; }
    done
    (( SECONDS < deadline )) || { logs "$dir" >&2; stop "$dir"; die "node not idle after ${SLURM_START_TIMEOUT:-30} s (logs above)"; }
    sleep 0.2
  done
  echo "$dir"
}

# Processes whose environment holds the marker for this folder: slurmstepd and the jobs it ran.
marked() {
  local dir=$1 environ pid
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}; pid=${pid%/environ}
    [[ $pid == "$$" ]] && continue
    tr '\0' '\n' 2>/dev/null <"$environ" | grep -qxF "$MARKER=$dir" && echo "$pid"
  done
  return 0
}

stop() {
  local dir=${1:?stop needs the cluster folder} name pid
  [[ -f $dir/slurm.conf ]] || die "$dir is not a cluster folder"
  if SLURM_CONF="$dir/slurm.conf" scancel --full --user="$(id -un)" 2>/dev/null; then
    for _ in $(seq 1 50); do [[ -z $(SLURM_CONF="$dir/slurm.conf" squeue -h 2>/dev/null) ]] && break; sleep 0.2; done
  fi
  for name in slurmd slurmctld munged; do
    alive "$dir/run/$name.started" || continue
    pid=$(cat "$dir/run/$name.started")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do running "$pid" || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for pid in $(marked "$dir"); do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}

command=${1:-}
case $command in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  env) echo "export SLURM_CONF=${2:?env needs the cluster folder}/slurm.conf" ;;
  prepare) prepare "${2:?prepare needs a folder}" ;;
  run) run "${2:?run needs a daemon name}" "${3:?run needs the cluster folder}" ;;
  *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
