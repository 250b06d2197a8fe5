#!/usr/bin/env bash
# The include direction of DESIGN.md §1, enforced at build time:
#   src/engine  sees only itself: no SDL, readline, stdio for the user, viz or repl;
#   src/viz     never sees repl;
# and the engine never prints to the user nor exits (only err.c may abort on a bug).
set -u
bad=0
if out=$(grep -rnE '#\s*include\s*[<"](SDL|readline|\.\./(repl|viz)|repl/|viz/)' src/engine); then
  echo "layer violation: src/engine must not include SDL/readline/viz/repl:"; echo "$out"; bad=1
fi
if out=$(grep -rnE '#\s*include\s*[<"](readline|\.\./repl|repl/)' src/viz 2>/dev/null); then
  echo "layer violation: src/viz must not include repl or readline:"; echo "$out"; bad=1
fi
if out=$(grep -rnE '\b(printf|puts|putchar|exit)\s*\(|\bstd(out|err)\b' src/engine --include='*.c' --include='*.h' | grep -v 'src/engine/core/err.c'); then
  echo "layer violation: the engine never prints or exits (return a TzErr instead):"; echo "$out"; bad=1
fi
exit $bad
