#!/usr/bin/env bash
# A one-node Slurm on this machine, for trying `vadapter run --executor slurm` and for the tests that
# submit through it (test/exec/slurm*.test.ts). Run as root:
#   sudo scripts/slurm-dev-cluster.sh          # install (Debian's slurm-wlm, munge) if missing, configure, start
#   scripts/slurm-dev-cluster.sh --status      # exit 0 when the node is up and idle
#   scripts/slurm-dev-cluster.sh --stop        # stop the daemons (the configuration stays)
# Idempotent: a second call finds the cluster up and only reports it. It writes /etc/slurm/slurm.conf
# for this host (its CPUs and memory, as `slurmd -C` reports them) with two partitions: `debug` (the
# default, 60 min) and `short` (2 min, for trying time limits and requeues). There is no slurmdbd:
# `sacct` reads the job completion log (`sacct --completion`), which this configuration writes.
set -euo pipefail

CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
LOG_DIR=/var/log/slurm
SPOOL=/var/spool
WAIT_S=${SLURM_DEV_WAIT_S:-60}

node_idle() {
  command -v sinfo >/dev/null 2>&1 || return 1
  local state
  state=$(sinfo -h -N -o '%T' 2>/dev/null | head -1) || return 1
  [[ "$state" == idle* || "$state" == mixed* || "$state" == allocated* ]]
}

stop() {
  pkill -x slurmd 2>/dev/null || true
  pkill -x slurmctld 2>/dev/null || true
  pkill -x munged 2>/dev/null || true
  echo "slurm dev cluster stopped"
}

case "${1:-}" in
  --status) if node_idle; then sinfo; exit 0; else echo "slurm dev cluster is not up"; exit 1; fi ;;
  --stop) stop; exit 0 ;;
  "") ;;
  *) echo "usage: $0 [--status|--stop]" >&2; exit 2 ;;
esac

if node_idle; then
  echo "slurm dev cluster already up"
  sinfo
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "$0: starting the cluster needs root (it installs packages and starts daemons)" >&2
  exit 2
fi

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "installing slurm-wlm and munge (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

# munge: the key the package made, else a fresh one; one daemon
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
fi
mkdir -p /run/munge /var/lib/munge /var/log/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge
pgrep -x munged >/dev/null || su -s /bin/sh munge -c /usr/sbin/munged

host=$(hostname -s)
node_line=$(slurmd -C | head -1 | sed "s/^NodeName=[^ ]*/NodeName=$host/")
mkdir -p "$CONF_DIR" "$LOG_DIR" "$SPOOL/slurmctld" "$SPOOL/slurmd"
cat > "$CONF" <<EOF
# written by vadapter's scripts/slurm-dev-cluster.sh: a one-node development cluster
ClusterName=vadapter-dev
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$SPOOL/slurmctld
SlurmdSpoolDir=$SPOOL/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
KillWait=30
MinJobAge=600
JobRequeue=1
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOG_DIR/jobcomp.log
$node_line State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=60 State=UP
PartitionName=short Nodes=ALL MaxTime=2 State=UP
EOF

pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd

for _ in $(seq 1 "$WAIT_S"); do
  if node_idle; then
    echo "slurm dev cluster up"
    sinfo
    exit 0
  fi
  scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
  sleep 1
done
echo "slurm dev cluster did not come up within ${WAIT_S} s; logs: $LOG_DIR/slurmctld.log, $LOG_DIR/slurmd.log" >&2
tail -5 "$LOG_DIR/slurmctld.log" "$LOG_DIR/slurmd.log" >&2 || true
exit 1
