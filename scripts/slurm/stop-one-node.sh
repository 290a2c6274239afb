#!/usr/bin/env bash
# Stops the one-node cluster that start-one-node.sh started (same folder argument or
# $TRANSFERLAB_SLURM_DIR): slurmd, slurmctld, and munged if that script started it, each by its
# pid file. Stopping a cluster that is not running does nothing.
set -euo pipefail
. "$(dirname "$0")/paths.sh"

log() { echo "stop-one-node: $*" >&2; }

# SIGTERM, then SIGKILL after 10 s; removes the pid file.
stop_daemon() {
  local name="$1" pid_file="$2" pid
  if ! pid_alive "$pid_file"; then
    rm -f "$pid_file"
    return 0
  fi
  pid="$(cat "$pid_file")"
  log "stopping $name ($pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name ($pid) ignored SIGTERM for 10 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
}

stop_daemon slurmd "$SLURMD_PID"
stop_daemon slurmctld "$SLURMCTLD_PID"
stop_daemon munged "$MUNGED_STARTED_PID"
