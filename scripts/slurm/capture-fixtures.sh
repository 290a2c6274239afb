#!/usr/bin/env bash
# Captures real squeue and scontrol outputs from a running cluster (start-one-node.sh) into
# test/fixtures/slurm, the inputs of the Slurm parsers' unit tests (issue 16). Each state is
# reached for real: a task that fails, one whose dependency can never be met, running and
# throttled tasks, pending dependents, a requeue, cancellations (running, and pending inside a
# grouped array record) and a time limit. Takes about 2 minutes, most of it waiting for the time
# limit (Slurm checks limits every 30 s). Needs SLURM_CONF, and 2 free CPUs on the cluster.
set -euo pipefail
out="$(cd "$(dirname "$0")/../.." && pwd)/test/fixtures/slurm"
work="$(mktemp -d)"
mkdir -p "$out"

sb() { sbatch --parsable --output=/dev/null --chdir="$work" "$@"; }
state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
# Waits until task $1 is in state $2, for at most $3 seconds.
wait_state() {
  local deadline=$((SECONDS + $3))
  until [ "$(state "$1")" = "$2" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "capture-fixtures: $1 is $(state "$1"), not $2, after $3 s" >&2
      exit 1
    fi
    sleep 0.5
  done
}
# Waits until squeue lists nothing of job $1 (every task finished).
wait_done() {
  until [ -z "$(squeue --noheader --jobs="$1" 2>/dev/null)" ]; do sleep 0.5; done
}
show() { scontrol show job "$1" >"$out/$2"; }

limit=$(sb --array=0 --time=00:01:00 --job-name=time-limit --wrap 'sleep 300')
limit_started=$SECONDS
fails=$(sb --array=0-2 --job-name=fails --wrap '[ "$SLURM_ARRAY_TASK_ID" = 1 ] && exit 3; exit 0')
after=$(sb --array=0-2 --job-name=after-fails --dependency=aftercorr:"$fails" --kill-on-invalid-dep=yes --wrap true)
wait_done "$fails"
wait_done "$after"
show "$fails" scontrol-failed.txt
show "$after" scontrol-dependency-never-satisfied.txt

src=$(sb --array=0-3%1 --job-name=source --wrap 'sleep 30')
dep=$(sb --array=0-3 --job-name=transfer --dependency=aftercorr:"$src" --kill-on-invalid-dep=yes --wrap true)
victim=$(sb --array=0-2 --job-name=to-cancel --wrap 'sleep 60')
wait_state "${src}_0" RUNNING 20
squeue --jobs="$src,$dep,$victim" --noheader --format='%i|%T|%r' >"$out/squeue-grouped.txt"
squeue --jobs="$src,$dep,$victim" --array --noheader --format='%i|%T|%r' >"$out/squeue-array.txt"
show "$src" scontrol-running-and-pending-limit.txt
show "$dep" scontrol-pending-dependency.txt

scontrol requeue "${src}_0"
wait_state "${src}_1" RUNNING 20
show "$src" scontrol-requeued.txt

# Cancelling the source frees its CPU for the victim, and its dependents can never start.
scancel "$src"
wait_done "$src"
wait_state "${victim}_0" RUNNING 20
scancel "${victim}_1"
scancel "${victim}_0"
wait_state "${victim}_0" CANCELLED 20
show "$src" scontrol-cancelled.txt
show "$victim" scontrol-cancelled-pending-vanished.txt
scancel "$victim"
wait_done "$dep"
show "$dep" scontrol-dependency-cancelled.txt

wait_state "$limit" TIMEOUT 150
echo "capture-fixtures: the 1-minute time limit ended the task after $((SECONDS - limit_started)) s" >&2
show "$limit" scontrol-timeout.txt
rm -rf "$work"
echo "capture-fixtures: wrote $out" >&2
