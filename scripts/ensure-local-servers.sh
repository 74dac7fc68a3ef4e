#!/usr/bin/env bash
# Starts this machine's PostgreSQL and Redis if they are installed but stopped. Tests find servers
# in this order: TEST_DATABASE_URL/TEST_REDIS_URL, Docker (testcontainers), these local servers,
# then embedded-postgres, so a machine with none of them still runs the PostgreSQL tests.
set -uo pipefail

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi
if command -v pg_isready >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "PostgreSQL: 127.0.0.1:5432 answers"
else
  echo "PostgreSQL: none on 127.0.0.1:5432 (tests fall back to embedded-postgres)"
fi

if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no || true
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
fi
if command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Redis: 127.0.0.1:6379 answers"
else
  echo "Redis: none on 127.0.0.1:6379 (set TEST_REDIS_URL or start Docker)"
fi
exit 0
