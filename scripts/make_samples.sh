#!/usr/bin/env bash
# Writes samples/: real street tiles for the page's "Random sample" button — A|B pairs
# drawn by `gansketch tiles` from the extracts in data/osm (the page shows the streets,
# the left half). Eight tiles per city, spread evenly through each city's manifest.
# Usage: scripts/make_samples.sh [path/to/gansketch]
set -euo pipefail
cd "$(dirname "$0")/.."
gansketch=${1:-${CARGO_TARGET_DIR:-target}/release/gansketch}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf samples.partial && mkdir samples.partial
entries=()
for city in helsinki kotka neubrandenburg liechtenstein; do
  "$gansketch" tiles --pbf "data/osm/$city.osm.pbf" --zoom 16 --out "$work/$city" 2>/dev/null
  place=$(tr '[:lower:]' '[:upper:]' <<<"${city:0:1}")${city:1}
  total=$(($(wc -l <"$work/$city/manifest.csv") - 1))
  step=$((total / 8 > 0 ? total / 8 : 1))
  while IFS=, read -r _ z x y file _; do
    name="$city-$z-$x-$y.png"
    cp "$work/$city/$file" "samples.partial/$name"
    entries+=("{\"file\": \"$name\", \"place\": \"$place\", \"tile\": \"$z/$x/$y\"}")
  done < <(tail -n +2 "$work/$city/manifest.csv" | awk -v step="$step" 'NR % step == 1' | head -n 8)
done
{
  printf '{\n  "attribution": "Map data © OpenStreetMap contributors, ODbL",\n  "tiles": [\n'
  printf '    %s' "${entries[0]}"
  printf ',\n    %s' "${entries[@]:1}"
  printf '\n  ]\n}\n'
} >samples.partial/index.json
rm -rf samples && mv samples.partial samples
echo "wrote ${#entries[@]} samples to samples/"
