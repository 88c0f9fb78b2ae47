#!/usr/bin/env bash
# Web server + Celery worker + beat on the embedded default (PostgreSQL from the wheel, filesystem
# broker) or on DATABASE_URL / REDIS_URL when they are set. Ctrl-C stops all of it, the embedded
# PostgreSQL included.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
PY=.venv/bin/python
CELERY=.venv/bin/celery
mkdir -p var/broker/queue var/broker/control var/mail var/media var/log

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -z "${DATABASE_URL:-}" ]; then $PY -m partneros.embedded_db stop || true; fi
}
trap cleanup EXIT INT TERM

if [ -z "${DATABASE_URL:-}" ]; then $PY -m partneros.embedded_db start; fi
$PY manage.py migrate --noinput
$PY manage.py seed_demo

$CELERY -A partneros worker --loglevel=INFO --concurrency=1 --without-mingle --without-gossip \
  >var/log/worker.log 2>&1 &
pids+=($!)
$CELERY -A partneros beat --loglevel=INFO >var/log/beat.log 2>&1 &
pids+=($!)
echo "Celery worker (var/log/worker.log) and beat (var/log/beat.log) are running."
echo "PartnerOS: http://127.0.0.1:${PORT:-8000}/   (Ctrl-C stops everything)"
$PY manage.py runserver "127.0.0.1:${PORT:-8000}"
