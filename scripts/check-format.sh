#!/usr/bin/env bash
# Fails when a tracked C++ file is not formatted by .clang-format (clang-format 14, as Debian 12
# ships it: another version may break lines differently). Fix with: scripts/check-format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
format="$(command -v clang-format-14 || command -v clang-format)"
mapfile -t files < <(git ls-files '*.cpp' '*.h')
if [ "${1:-}" = "--fix" ]; then
  "$format" -i "${files[@]}"
  exit 0
fi
if ! "$format" --dry-run --Werror "${files[@]}" 2>/tmp/dvfo-format.$$; then
  grep -E "^[^ ].*: (error|warning):" /tmp/dvfo-format.$$ | cut -d: -f1 | sort -u | sed 's/^/not formatted: /' >&2
  rm -f /tmp/dvfo-format.$$
  echo "run scripts/check-format.sh --fix" >&2
  exit 1
fi
rm -f /tmp/dvfo-format.$$
echo "format: ${#files[@]} files formatted"
