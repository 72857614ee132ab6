# read_options FILE DICT_DIR: reads a libFuzzer `.options` file (the format
# OSS-Fuzz reads) into two arrays: `flags`, its [libfuzzer] keys as
# `-key=value` flags (a `dict` named relative to DICT_DIR), and `asan`, its
# [asan] keys as `key=value` for ASAN_OPTIONS. Sourced by scripts/fuzz.sh
# and scripts/oss-fuzz/check-build.sh.
read_options() {
  local file=$1 dict_dir=$2 section= key value
  flags=()
  asan=()
  while IFS='=' read -r key value; do
    key=$(echo "$key" | tr -d ' ')
    value=$(echo "$value" | tr -d ' ')
    case "$key" in
      '' | '#'*) continue ;;
      '['*) section=$key; continue ;;
    esac
    case "$section" in
      '[libfuzzer]')
        if [ "$key" = dict ]; then value="$dict_dir/$value"; fi
        flags+=("-$key=$value")
        ;;
      '[asan]') asan+=("$key=$value") ;;
    esac
  done <"$file"
}
