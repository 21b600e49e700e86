#!/usr/bin/env bash
# Writes tests/fixtures/web: our model files converted from the reference checkpoints, and
# the native outputs the wasm tests (tests/web.rs) must reproduce. tests/web_fixtures.rs
# checks that these files still match the native code.
# Usage: scripts/make_web_fixtures.sh [path/to/gansketch]
set -euo pipefail
cd "$(dirname "$0")/.."
gansketch=${1:-${CARGO_TARGET_DIR:-target}/release/gansketch}
out=tests/fixtures/web
mkdir -p "$out"
for name in unet256_ngf8_batch resnet9_ngf8_batch; do
  "$gansketch" convert "tests/fixtures/pix2pix/$name.pth" -o "$out/$name.gsk"
  "$gansketch" translate --model "$out/$name.gsk" --input "tests/fixtures/pix2pix/$name.input.npy" --output "$out/$name.native.npy"
done
"$gansketch" translate --model "$out/unet256_ngf8_batch.gsk" --input "$out/streets.png" --output "$out/streets.unet256_ngf8_batch.png"
