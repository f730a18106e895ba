#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Installs sharedpotato into a scratch prefix as README.md and
# docs/install.md say (`meson setup --prefix="$HOME/.local"`, then
# `meson install`, with HOME pointing into the scratch directory), then runs
# the C, Python, JavaScript and Vala programs of docs/install.md with the
# environment those pages document and nothing else but HOME and a plain
# PATH. The environment is taken from the pages themselves (the sh blocks
# marked `name install-env`, which must agree), so page and test cannot
# drift apart.
#
# A fresh configure of the source tree, not the build directory under test:
# that one's prefix is /usr/local, and a --destdir install of it would
# leave .pc files that point at /usr/local.
#
# Usage: test-prefix-install.sh SOURCE_DIR PYTHON
set -eu

srcdir=$(cd "$1" && pwd)
python=$2

scratch=$(mktemp -d "${TMPDIR:-/tmp}/sp-prefix-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
home="$scratch/home"
prefix="$home/.local"
mkdir -p "$home"

fail () {
  echo "FAIL: $*"
  exit 1
}

echo "== meson setup --prefix=$prefix; meson install"
if ! HOME="$home" meson setup --prefix="$prefix" "$scratch/build-local" "$srcdir" \
       >"$scratch/setup.log" 2>&1; then
  cat "$scratch/setup.log"
  fail "meson setup"
fi
if ! HOME="$home" meson install -C "$scratch/build-local" >"$scratch/install.log" 2>&1; then
  cat "$scratch/install.log"
  fail "meson install"
fi

# What docs/install.md's table says goes under the prefix, beyond what the
# programs below load.
libdir="$prefix/lib/$(gcc -print-multiarch)"
for f in "$libdir/pkgconfig/sharedpotato-1.pc" \
         "$libdir/girepository-1.0/Sharedpotato-1.typelib" \
         "$prefix/share/gir-1.0/Sharedpotato-1.gir" \
         "$prefix/share/vala/vapi/sharedpotato-1.vapi" \
         "$prefix/lib/python3/dist-packages/sharedpotato_asyncio.py" \
         "$prefix/lib/python3/dist-packages/gi/overrides/Sharedpotato.py" \
         "$prefix/share/doc/sharedpotato-1/index.html"; do
  [ -e "$f" ] || fail "$f was not installed (see docs/install.md)"
done

echo "== the environment of README.md and docs/install.md"
"$python" "$srcdir/tests/docs/run-snippets.py" --extract install-env \
  "$srcdir/README.md" "$srcdir/docs/install.md" >"$scratch/env.sh" \
  || fail "README.md and docs/install.md must document the same environment"
cat "$scratch/env.sh"

echo "== docs/install.md's programs, with only that environment"
mkdir "$scratch/work"
env -i HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin \
  sh -c '. "$1" && cd "$2" && exec "$3" "$4/tests/docs/run-snippets.py" --installed "$4/docs/install.md"' \
  sh "$scratch/env.sh" "$scratch/work" "$python" "$srcdir" \
  || fail "a program of docs/install.md failed against the install"
