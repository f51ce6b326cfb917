#!/usr/bin/env bash
# Builds one libFuzzer harness with swiftc (no SwiftPM) and runs it for a while.
#
#   Tools/fuzz/run.sh NAME SECONDS [-- LIBFUZZER_FLAGS...]
#   Tools/fuzz/run.sh http 300
#   Tools/fuzz/run.sh http 60 -- -max_len=8192 -only_ascii=1
#
# A harness lives in Tools/fuzz/NAME/:
#   *.swift      the harness; defines @_cdecl("LLVMFuzzerTestOneInput")
#   sources.txt  repo-relative Swift files (or folders: every *.swift inside) compiled
#                into the same module, so the harness calls internal API directly
#   corpus/      committed seed inputs; never modified by a run
#   dict.txt     optional libFuzzer dictionary
#   flags.txt    optional extra libFuzzer flags, one per line
#
# Output: the binary and the working corpus (seeds plus what the fuzzer found, kept
# between runs) in .build-fuzz/NAME/; crashing inputs in Tools/fuzz/artifacts/NAME/.
# Both folders are gitignored. A crash makes the script exit non-zero: minimise the
# input, fix the bug, add the input to corpus/ and a regression test.
set -euo pipefail

usage() {
  echo "usage: $0 NAME SECONDS [-- LIBFUZZER_FLAGS...]" >&2
  echo "harnesses:" $(cd "$(dirname "$0")" && for d in */sources.txt; do printf '%s ' "${d%/sources.txt}"; done) >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
name=$1
seconds=$2
shift 2
if [[ ${1:-} == "--" ]]; then shift; fi
[[ $name =~ ^[A-Za-z0-9_-]+$ ]] || usage
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "SECONDS must be a positive whole number" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/../.." && pwd)
harness="$repo/Tools/fuzz/$name"
[[ -f $harness/sources.txt ]] || { echo "no harness $harness (missing sources.txt)" >&2; usage; }

# Collect the sources: listed files and folders first, then the harness itself.
sources=()
while IFS= read -r line || [[ -n $line ]]; do
  line=${line%%#*}
  line=$(echo "$line" | xargs)   # trim
  [[ -z $line ]] && continue
  path="$repo/$line"
  if [[ -d $path ]]; then
    while IFS= read -r file; do sources+=("$file"); done < <(find "$path" -name '*.swift' | sort)
  elif [[ -f $path ]]; then
    sources+=("$path")
  else
    echo "$harness/sources.txt lists $line, which does not exist" >&2
    exit 2
  fi
done < "$harness/sources.txt"
while IFS= read -r file; do sources+=("$file"); done < <(find "$harness" -maxdepth 1 -name '*.swift' | sort)

build="$repo/.build-fuzz/$name"
artifacts="$repo/Tools/fuzz/artifacts/$name"
mkdir -p "$build/corpus" "$artifacts"
binary="$build/fuzz-$name"

echo "building $binary from ${#sources[@]} files" >&2
# -parse-as-library: libFuzzer provides main. -O with -g: realistic speed, readable stacks.
swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
  -module-name "Fuzz_${name//-/_}" -o "$binary" "${sources[@]}"

# Work on a copy so the committed seeds stay small and reviewed; keep earlier finds.
if [[ -d $harness/corpus ]]; then
  cp -n "$harness"/corpus/* "$build/corpus/" 2>/dev/null || true
fi

flags=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/")
[[ -f $harness/dict.txt ]] && flags+=(-dict="$harness/dict.txt")
if [[ -f $harness/flags.txt ]]; then
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%%#*}
    line=$(echo "$line" | xargs)
    [[ -n $line ]] && flags+=("$line")
  done < "$harness/flags.txt"
fi

echo "fuzzing $name for ${seconds}s; crashes go to $artifacts/" >&2
"$binary" "${flags[@]}" "$@" "$build/corpus"
