#!/usr/bin/env bash
# Seeds corpus/ (git-ignored) from the content crate's storage fixtures and the repository's
# Markdown files. Run from anywhere; libFuzzer adds what it finds to the same folders.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
mkdir -p "$here/corpus/storage" "$here/corpus/views" "$here/corpus/markdown"
cp "$here"/../tests/fixtures/*.xml "$here/corpus/storage/"
# Views seeds: a leading byte (window budget) followed by a Markdown document.
find "$repo" -name '*.md' -not -path '*/target*' -not -path '*/.venv*' -not -path '*/corpus/*' |
    while read -r md; do
        name="$(echo "$md" | sed "s|$repo/||; s|/|_|g")"
        { printf '\x07'; cat "$md"; } > "$here/corpus/views/$name"
        cp "$md" "$here/corpus/markdown/$name"
    done
echo "storage seeds: $(ls "$here/corpus/storage" | wc -l), views seeds: $(ls "$here/corpus/views" | wc -l), markdown seeds: $(ls "$here/corpus/markdown" | wc -l)"
