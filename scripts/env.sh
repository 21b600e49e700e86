# Sourced by every build and test script: one cargo target directory for all of them.
# It lives outside the clone (by default), so a fresh clone on the same machine reuses
# what an earlier run compiled; a cold run simply fills it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gansketch/target}"
export PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/node_modules/.bin:$HOME/.cargo/bin:$PATH"
