#!/usr/bin/env bash
# Web server + Celery worker + beat on the embedded default (SQLite, filesystem broker).
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
PY=.venv/bin/python
CELERY=.venv/bin/celery
mkdir -p var/broker/queue var/broker/control var/mail var/media var/log

$PY manage.py migrate --noinput
$PY manage.py seed_demo

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

$CELERY -A partneros worker --loglevel=INFO --concurrency=1 --without-mingle --without-gossip \
  >var/log/worker.log 2>&1 &
pids+=($!)
$CELERY -A partneros beat --loglevel=INFO >var/log/beat.log 2>&1 &
pids+=($!)
echo "Celery worker (var/log/worker.log) and beat (var/log/beat.log) are running."
echo "PartnerOS: http://127.0.0.1:${PORT:-8000}/   (Ctrl-C stops everything)"
$PY manage.py runserver "127.0.0.1:${PORT:-8000}"
