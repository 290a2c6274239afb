# Sourced by start-one-node.sh and stop-one-node.sh: where the one-node test cluster keeps its
# configuration, state, pid files and logs. The folder is the first argument, else
# $TRANSFERLAB_SLURM_DIR, else /tmp/transferlab-slurm.
SLURM_DIR="${1:-${TRANSFERLAB_SLURM_DIR:-/tmp/transferlab-slurm}}"
# slurm.conf needs absolute paths.
case "$SLURM_DIR" in
  /*) ;;
  *) SLURM_DIR="$PWD/$SLURM_DIR" ;;
esac
SLURM_CONF_FILE="$SLURM_DIR/slurm.conf"
SLURMCTLD_PID="$SLURM_DIR/slurmctld.pid"
SLURMD_PID="$SLURM_DIR/slurmd.pid"
SLURMCTLD_LOG="$SLURM_DIR/slurmctld.log"
SLURMD_LOG="$SLURM_DIR/slurmd.log"
# munged is machine-wide (/run/munge); this file records its pid only when start-one-node.sh
# started it, so stop-one-node.sh never stops a munged that someone else runs.
MUNGED_STARTED_PID="$SLURM_DIR/munged.pid"

# Whether the pid in file $1 names a live process.
pid_alive() {
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}
