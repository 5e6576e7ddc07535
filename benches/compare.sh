#!/usr/bin/env bash
# Times a whole `coursefeed build` against (a) the floor, only parsing the
# YAML into the model with yaml_serde, (b) ical-generator (Node.js) and
# (c) yaml2ics (Python), on the same generated schedules, N = 100, 10,000
# and 100,000, and the shipped 12-session course. Prints wall time and peak
# memory (median of REPEAT runs) and the ratios, as a Markdown table. Also
# times a rebuild against the feed the first build wrote, and one after an
# edit.
#
# Installs ical-generator and yaml2ics under target/bench/ on first use.
# Not run by CI. Usage: benches/compare.sh [REPEAT]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=${1:-3}
work=target/bench
mkdir -p "$work"

cargo build --release --quiet --bin coursefeed --example generate --example parse_floor
bin=target/release/coursefeed
floor=target/release/examples/parse_floor

if [ ! -d "$work/node/node_modules/ical-generator" ]; then
  npm install --silent --no-audit --no-fund --prefix "$work/node" \
    ical-generator@11 js-yaml@4 luxon@3 @touch4it/ical-timezones@1 >/dev/null
fi
if ! "$work/py/bin/python" -c 'import yaml2ics' 2>/dev/null; then
  python3 -m venv "$work/py"
  "$work/py/bin/pip" install --quiet --disable-pip-version-check yaml2ics pyyaml
fi
export BENCH_NODE_MODULES="$work/node/node_modules"

# median WALL_SECONDS and median PEAK_KB over $repeat runs of a command.
# Wall time is taken around the run in nanoseconds (/usr/bin/time rounds
# to 10 ms); /usr/bin/time gives the peak resident memory.
measure() {
  local ts=() ms=() t0 t1 m
  for _ in $(seq "$repeat"); do
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" \
      || { cat "$work/stderr.txt" >&2; return 1; }
    t1=$(date +%s%N)
    ts+=("$(awk "BEGIN{printf \"%.4f\", ($t1 - $t0) / 1e9}")")
    read -r m < "$work/time.txt"
    ms+=("$m")
  done
  echo "$(printf '%s\n' "${ts[@]}" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')" \
    "$(printf '%s\n' "${ms[@]}" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')"
}

ratio() { awk "BEGIN{ if ($2 == 0) print \"-\"; else printf \"%.2f\", $1 / $2 }"; }

echo "| N | tool | wall s | peak MiB | wall vs coursefeed | MiB vs coursefeed |"
echo "| --: | --- | --: | --: | --: | --: |"
for n in 12 100 10000 100000; do
  if [ "$n" = 12 ]; then
    src=data/schedule.yaml
  else
    src="$work/s$n.yaml"
    [ -f "$src" ] || target/release/examples/generate "$n" > "$src"
  fi
  read -r ct cm < <(measure "$bin" build "$src" -o "$work/out$n.ics" --fresh)
  row() { echo "| $n | $1 | $2 | $(( $3 / 1024 )) | $(ratio "$2" "$ct") | $(ratio "$3" "$cm") |"; }
  row coursefeed "$ct" "$cm"
  # The usual build after an edit: against the feed just written, which it
  # reads and compares event by event (nothing changed, so nothing is written).
  read -r t m < <(measure "$bin" build "$src" -o "$work/out$n.ics"); row "coursefeed rebuild (reads previous feed)" "$t" "$m"
  # After an edit: one topic changed, so the feed is written again.
  if [ "$n" != 12 ]; then
    read -r t m < <(measure bash benches/edit_and_build.sh "$src" "$bin" "$src" "$work/out$n.ics")
    row "coursefeed rebuild after one edit" "$t" "$m"
  fi
  read -r t m < <(measure "$floor" "$src"); row "floor (yaml_serde parse only)" "$t" "$m"
  if [ "$n" != 12 ]; then
    read -r t m < <(measure node benches/icalgen.mjs "$src" "$work/icalgen$n.ics"); row ical-generator "$t" "$m"
    if [ "$n" -le 10000 ]; then
      "$work/py/bin/python" benches/to_yaml2ics.py "$src" "$work/y2i$n.yaml"
      read -r t m < <(measure "$work/py/bin/yaml2ics" "$work/y2i$n.yaml"); row yaml2ics "$t" "$m"
    fi
  fi
done

# Data as other tools write it: the 10,000-session schedule re-dumped by
# PyYAML (`yaml.safe_dump`: keys sorted, items at column 0, dates and times
# quoted), through coursefeed, the floor and ical-generator.
echo
echo "| shape | tool | wall s | peak MiB | wall vs floor |"
echo "| --- | --- | --: | --: | --: |"
"$work/py/bin/pip" install --quiet --disable-pip-version-check pyyaml
"$work/py/bin/python" benches/pyyaml_dump.py "$work/s10000.yaml" "$work/pyyaml10000.yaml"
for src in "$work/s10000.yaml" "$work/pyyaml10000.yaml"; do
  shape=$(basename "$src" .yaml)
  read -r ft fm < <(measure "$floor" "$src")
  read -r t m < <(measure "$bin" build "$src" -o "$work/out-$shape.ics" --fresh)
  echo "| $shape | coursefeed | $t | $(( m / 1024 )) | $(ratio "$t" "$ft") |"
  echo "| $shape | floor (yaml_serde parse only) | $ft | $(( fm / 1024 )) | 1.00 |"
  read -r t m < <(measure node benches/icalgen.mjs "$src" "$work/icalgen-$shape.ics")
  echo "| $shape | ical-generator | $t | $(( m / 1024 )) | $(ratio "$t" "$ft") |"
done

# A department: folders of 1,000 and 5,000 courses of 30 sessions in six
# zones. First build, rebuild with nothing changed (the manifest skips
# everything), rebuild after editing one course, against the floor (parse
# every file with yaml_serde, one thread). Each first build goes to a new
# folder: on ext4 without a journal, files created within about 30 s of
# deleting thousands of others (the previous run's output) wait while the
# kernel passes over the freed inodes, which no real first build meets.
cargo build --release --quiet --example generate_folder
echo
echo "| courses | run | wall s | peak MiB | wall vs floor |"
echo "| --: | --- | --: | --: | --: |"
for courses in 1000 5000; do
  dir="$work/dept$courses"
  rm -rf "$dir" "$work/dept-out$courses"
  # Past the freed inodes' 30 s (see above).
  sleep 35
  target/release/examples/generate_folder "$courses" 30 "$dir"
  read -r ft fm < <(measure "$floor" "$dir")
  echo "| $courses | floor (yaml_serde parse only) | $ft | $(( fm / 1024 )) | 1.00 |"
  out="$work/dept-out$courses"
  mkdir -p "$work/firsts"
  read -r t m < <(measure bash -c "exec '$bin' build '$dir' -o \"\$(mktemp -d -p '$work/firsts')/out\"")
  echo "| $courses | first build | $t | $(( m / 1024 )) | $(ratio "$t" "$ft") |"
  rm -rf "$work/firsts"
  "$bin" build "$dir" -o "$out" >/dev/null 2>&1
  read -r t m < <(measure "$bin" build "$dir" -o "$out")
  echo "| $courses | nothing changed | $t | $(( m / 1024 )) | $(ratio "$t" "$ft") |"
  # A different topic each run, so that every run has one change to publish.
  read -r t m < <(measure bash benches/edit_and_build.sh "$dir/c00042.yaml" "$bin" "$dir" "$out")
  echo "| $courses | one course edited | $t | $(( m / 1024 )) | $(ratio "$t" "$ft") |"
done
