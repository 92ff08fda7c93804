#!/usr/bin/env bash
# Several instances on one PostgreSQL: how long a change made through one
# instance takes to be searchable on every instance, how long a new instance
# takes to build its index, and how long the outbox lease of an instance
# killed with SIGKILL takes to be taken over. It runs the multi-instance test
# (three real portico processes built from this repository, in a schema of
# their own) with more timed changes, and prints its figures.
#
#   PORTICO_TEST_DATABASE_URL='postgres://postgres@127.0.0.1:5432/portico?sslmode=disable' bench/instances.sh [CHANGES]
#
# CHANGES defaults to 30. Loopback only; the processes stop with the test.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PORTICO_TEST_DATABASE_URL:?set PORTICO_TEST_DATABASE_URL to a PostgreSQL database}"
PORTICO_INSTANCES_ROUNDS="${1:-30}" go test ./cmd/portico -run '^TestSeveralInstances$' -count=1 -v |
  grep -E '^    instances_test.go:[0-9]+: [a-z]|^(ok|FAIL|--- )'
