#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine for the tests (issue 16): munged, slurmctld
# and slurmd, with a minimal slurm.conf in a state folder (first argument, else
# $TRANSFERLAB_SLURM_DIR, else /tmp/transferlab-slurm). It installs nothing: the caller installs
# Debian's slurmctld slurmd slurm-client munge (22.05) and runs this as root. There is no systemd
# on these machines, so the daemons are started directly.
#
# Progress and errors go to stderr; stdout is the environment a client needs, so
#   eval "$(scripts/slurm/start-one-node.sh)"
# leaves SLURM_CONF set for sbatch, squeue, scontrol and the tests. Running it again while the
# cluster runs starts nothing more: it waits for the node and prints the environment again.
#
# Optional: TRANSFERLAB_SLURM_CPUS (the node's CPUs, default nproc) and
# TRANSFERLAB_SLURM_START_TIMEOUT (seconds to wait for the node, default 60).
set -euo pipefail
. "$(dirname "$0")/paths.sh"

log() { echo "start-one-node: $*" >&2; }

for tool in munged slurmctld slurmd sinfo; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
    log "$tool not found: apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge"
    exit 1
  fi
done
if [ "$(id -u)" -ne 0 ]; then
  log "run as root: munged runs as user munge, slurmctld and slurmd as root"
  exit 1
fi

host="$(hostname -s)"
cpus="${TRANSFERLAB_SLURM_CPUS:-$(nproc)}"
memory_mb="$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)"
timeout_s="${TRANSFERLAB_SLURM_START_TIMEOUT:-60}"

# The daemons' logs, for an error; munged's only where munged is the problem.
show_logs() {
  for file in "$SLURMCTLD_LOG" "$SLURMD_LOG" "$@"; do
    if [ -f "$file" ]; then
      echo "----- last lines of $file -----" >&2
      tail -n 40 "$file" >&2
    fi
  done
}

munge_works() { munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; }

# munged: slurmctld and slurmd authenticate every message with it.
if ! munge_works; then
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  chmod 0755 /run/munge
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do
    munge_works && break
    sleep 0.1
  done
  if ! munge_works; then
    log "munged did not start"
    show_logs /var/log/munge/munged.log
    exit 1
  fi
  mkdir -p "$SLURM_DIR"
  cp /run/munge/munged.pid "$MUNGED_STARTED_PID"
fi

mkdir -p "$SLURM_DIR/state" "$SLURM_DIR/spool"

# The configuration is written only while slurmctld is down: rewriting it under running daemons
# would make them disagree with the file.
if ! pid_alive "$SLURMCTLD_PID"; then
  cat >"$SLURM_CONF_FILE" <<CONF
# Written by scripts/slurm/start-one-node.sh: a one-node cluster for Transferlab's tests.
ClusterName=transferlab
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# No slurmdbd, so no sacct: finished jobs are known from scontrol for MinJobAge seconds, long
# enough for a test to read every task's final state.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=600
# Seconds between a time limit's SIGTERM and SIGKILL (default 30): keeps the TIMEOUT test short.
KillWait=5
# slurmctld starts batch jobs in passes at least batch_sched_delay apart (3 s by default, which
# spaces a one-node cluster's short tasks 3 s apart); 0 starts them within about a second.
SchedulerParameters=batch_sched_delay=0
# A node that restarts with the cluster comes back up instead of staying DOWN.
ReturnToService=2
# The node is what this file says, even if TRANSFERLAB_SLURM_CPUS exceeds the cores.
SlurmdParameters=config_overrides
StateSaveLocation=$SLURM_DIR/state
SlurmdSpoolDir=$SLURM_DIR/spool
SlurmctldPidFile=$SLURMCTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$SLURMCTLD_LOG
SlurmdLogFile=$SLURMD_LOG
NodeName=$host CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  log "starting slurmctld ($SLURM_CONF_FILE)"
  if ! slurmctld -f "$SLURM_CONF_FILE"; then
    log "slurmctld failed to start"
    show_logs
    exit 1
  fi
fi

if ! pid_alive "$SLURMD_PID"; then
  log "starting slurmd"
  if ! slurmd -f "$SLURM_CONF_FILE"; then
    log "slurmd failed to start"
    show_logs
    exit 1
  fi
fi

# The node is ready when slurmctld answers and lists it as up (idle, or running jobs after a
# second start); a trailing '*' means slurmd has not registered yet.
export SLURM_CONF="$SLURM_CONF_FILE"
deadline=$((SECONDS + timeout_s))
state=""
while [ "$SECONDS" -lt "$deadline" ]; do
  state="$(sinfo --noheader --nodes="$host" --format=%t 2>/dev/null | head -n 1 || true)"
  case "$state" in
    idle | mix | alloc | comp) break ;;
  esac
  sleep 0.5
done
case "$state" in
  idle | mix | alloc | comp) ;;
  *)
    log "node $host is not up after ${timeout_s} s (sinfo state: '${state:-no answer}')"
    show_logs
    exit 1
    ;;
esac
log "node $host is $state ($cpus CPUs, ${memory_mb} MB); logs in $SLURM_DIR"
echo "export SLURM_CONF=$SLURM_CONF_FILE"
