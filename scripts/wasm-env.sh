# Sourced by the scripts that build wasm (scripts/build-wasm, scripts/test): one set of
# settings, so that `wasm-pack build` and `wasm-pack test` share every compiled crate.
#
# The page's wasm is built for size: opt-level "s", fat LTO, one codegen unit. Cargo.toml
# keeps the CPU backend's kernels at opt-level 3. Natively none of this applies. (No
# `panic = abort` here: wasm32 aborts anyway, and cargo ignores it for test builds, so
# setting it would compile every crate twice.)
export CARGO_PROFILE_RELEASE_OPT_LEVEL=s
export CARGO_PROFILE_RELEASE_LTO=fat
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
# binaryen's wasm-opt from npm (Debian's binaryen 108 writes broken modules) and
# node_modules' tools before anything else; wasm-pack then downloads nothing.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
# Debug-info-free, smaller test binaries too.
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-600}
