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
#   modules.txt  optional dependency modules, for sources that `import` other modules
#                of the package; one per line, in build order (dependencies first):
#                  NAME PATH...
#                PATHs are Swift files or folders, compiled (same flags) into the
#                separate module NAME, a static library in .build-fuzz/NAME/modules/
#                that the harness imports and links. A single PATH folder holding a
#                module.modulemap is a C system module instead: it goes on the include
#                path and each `link "x"` in the map becomes -lx. Without modules.txt
#                everything is one module, as before.
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

# add_swift_files LISTFILE PATH: appends PATH's Swift files (itself, or every *.swift
# in the folder) to the array `files`.
add_swift_files() {
  local path="$repo/$2"
  if [[ -d $path ]]; then
    while IFS= read -r file; do files+=("$file"); done < <(find "$path" -name '*.swift' | sort)
  elif [[ -f $path ]]; then
    files+=("$path")
  else
    echo "$1 lists $2, which does not exist" >&2
    exit 2
  fi
}

# Collect the sources: listed files and folders first, then the harness itself.
files=()
while IFS= read -r line || [[ -n $line ]]; do
  line=${line%%#*}
  line=$(echo "$line" | xargs)   # trim
  [[ -z $line ]] && continue
  add_swift_files "$harness/sources.txt" "$line"
done < "$harness/sources.txt"
sources=("${files[@]}")
while IFS= read -r file; do sources+=("$file"); done < <(find "$harness" -maxdepth 1 -name '*.swift' | sort)

build="$repo/.build-fuzz/$name"
artifacts="$repo/Tools/fuzz/artifacts/$name"
mkdir -p "$build/corpus" "$artifacts"
binary="$build/fuzz-$name"

# -parse-as-library: libFuzzer provides main. -O with -g: realistic speed, readable stacks.
swift_flags=(-sanitize=fuzzer,address -parse-as-library -O -g)

# Dependency modules (modules.txt): search paths for the harness, libraries to link.
# Swift libraries are linked in reverse build order (a static library before the ones
# it uses); C libraries last.
module_flags=()
swift_libs=()
c_libs=()
if [[ -f $harness/modules.txt ]]; then
  modules="$build/modules"
  rm -rf "$modules"
  mkdir -p "$modules"
  module_flags+=(-I "$modules" -L "$modules")
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%%#*}
    read -r -a words <<< "$line"
    [[ ${#words[@]} -eq 0 ]] && continue
    module=${words[0]}
    [[ $module =~ ^[A-Za-z_][A-Za-z0-9_]*$ && ${#words[@]} -ge 2 ]] || {
      echo "$harness/modules.txt: expected 'NAME PATH...', got: $line" >&2; exit 2; }
    if [[ ${#words[@]} -eq 2 && -f $repo/${words[1]}/module.modulemap ]]; then
      map="$repo/${words[1]}/module.modulemap"
      module_flags+=(-I "$repo/${words[1]}")
      libs=$(sed -n 's/^[[:space:]]*link[[:space:]]*"\([^"]*\)".*/\1/p' "$map")
      for lib in $libs; do c_libs+=("-l$lib"); done
      echo "C module $module: ${words[1]}, links:" $libs >&2
      continue
    fi
    files=()
    for path in "${words[@]:1}"; do add_swift_files "$harness/modules.txt" "$path"; done
    echo "building module $module from ${#files[@]} files" >&2
    swiftc "${swift_flags[@]}" "${module_flags[@]}" -module-name "$module" \
      -emit-module -emit-module-path "$modules/$module.swiftmodule" \
      -emit-library -static -o "$modules/lib$module.a" "${files[@]}"
    swift_libs=("-l$module" "${swift_libs[@]}")
  done < "$harness/modules.txt"
fi

echo "building $binary from ${#sources[@]} files" >&2
swiftc "${swift_flags[@]}" "${module_flags[@]}" \
  -module-name "Fuzz_${name//-/_}" -o "$binary" "${sources[@]}" "${swift_libs[@]}" "${c_libs[@]}"

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
# The Swift runtime's own crash backtracer would race libFuzzer's handler and can
# hang after a crash; libFuzzer and ASan report the stack and save the input.
SWIFT_BACKTRACE=enable=no "$binary" "${flags[@]}" "$@" "$build/corpus"
