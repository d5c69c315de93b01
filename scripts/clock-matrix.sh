#!/usr/bin/env bash
# The tests that depend on the calendar (marker `clock`: every test that takes `now` or a
# clock standing at it) again at instants where calendars go wrong. The time is injected
# (pytest --clock-at / --clock-zone), never the machine's: the suite itself runs at its
# default, a Tuesday 10:00 in Seoul; these are the other instants. Two run at a time.
#
#   scripts/clock-matrix.sh [extra pytest arguments]
set -uo pipefail
cd "$(dirname "$0")/.."
pytest=${PYTEST:-.venv/bin/pytest}

instants=(
  "2026-12-05T03:00:00+09:00 Asia/Seoul"     # Saturday 03:00: the weekend shift, at night
  "2026-12-04T16:59:00+09:00 Asia/Seoul"     # Friday 16:59: a minute before the handoff
  "2026-12-04T17:01:00+09:00 Asia/Seoul"     # Friday 17:01: a minute after it
  "2027-03-28T01:30:00+01:00 Europe/Berlin"  # the Sunday Berlin moves to summer time
  "2026-12-31T23:59:00Z UTC"                 # a minute before the year ends
)

# Each run has its own temporary root. In the shared one, a session that ends prunes older
# sessions' directories, and one it cannot delete fails it (a PytestWarning, -W error).
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
run() {
  local index=$1 at=$2 zone=$3
  "$pytest" -q -m "clock and not slow" -k "not postgres" -p no:cacheprovider \
    --clock-at="$at" --clock-zone="$zone" --basetemp="$logs/$index.tmp" "${@:4}" \
    >"$logs/$index.log" 2>&1
  echo $? >"$logs/$index.rc"
}

for index in "${!instants[@]}"; do
  read -r at zone <<<"${instants[$index]}"
  run "$index" "$at" "$zone" "$@" &
  if (((index + 1) % 2 == 0)); then wait; fi  # two at a time on two cores
done
wait

failed=0
for index in "${!instants[@]}"; do
  if [[ $(cat "$logs/$index.rc") == 0 ]]; then
    echo "clock at ${instants[$index]}: $(tail -n 1 "$logs/$index.log")"
  else
    failed=1
    echo "clock at ${instants[$index]}: FAILED"
    cat "$logs/$index.log"
  fi
done
exit "$failed"
