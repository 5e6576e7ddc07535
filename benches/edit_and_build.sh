#!/usr/bin/env bash
# For benches/compare.sh: give one course file's first topic a new word,
# then build the folder; each run thus publishes exactly one change.
# Usage: edit_and_build.sh COURSE.yaml COURSEFEED FOLDER OUTDIR
set -euo pipefail
sed -i "0,/topic: \"/s//topic: \"Edited $RANDOM /" "$1"
exec "$2" build "$3" -o "$4"
