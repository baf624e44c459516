#!/bin/sh
# Copies the shared libraries that each given ELF file links (as ldd resolves them here) into a
# root filesystem: the runtime image has no package manager, so Node and the native addons of the
# production dependencies (argon2, ...) bring exactly their own libraries. Files ldd cannot read
# (a musl build of an addon, not loaded on glibc) are skipped.
#
#   copy-libs.sh <rootfs> <elf file>...
set -eu
rootfs="$1"
shift
for file in "$@"; do
  ldd "${file}" 2>/dev/null | grep -oE '/[^ )]+' || true
done | sort -u | while read -r lib; do
  [ -e "${lib}" ] && cp --parents -L "${lib}" "${rootfs}/"
done
