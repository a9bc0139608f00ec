#!/usr/bin/env bash
# The steps of citelint's GitHub Action (action.yml), one subcommand each:
#
#   run.sh install     an isolated virtual environment in $RUNNER_TEMP with citelint
#                      installed from the action's own checkout ($GITHUB_ACTION_PATH),
#                      never from the package index by name; outputs `citelint`
#   run.sh cache-key   where the URL cache lives (outside the checkout) and the
#                      actions/cache key for it; outputs `dir`, `key`, `restore-keys`
#   run.sh check       `citelint check` with the action's inputs; its exit code is
#                      the step's; outputs `exit-code` (and `sarif-file`)
#
# Inputs arrive as INPUT_* environment variables (action.yml maps them): they are
# never pasted into a script, so a path or argument cannot run as a command.
set -euo pipefail

die() {
  echo "::error title=citelint action::$*"
  exit 2
}

output() {  # name=value for the later steps
  echo "$1=$2" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set (not run by a GitHub runner?)}"
}

venv_dir() {
  echo "${RUNNER_TEMP:?RUNNER_TEMP is not set}/citelint-venv"
}

find_python() {  # the first interpreter of 3.11 or newer
  local candidate
  for candidate in ${INPUT_PYTHON:-} python3 python python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

install() {
  local action_path="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
  local python venv venv_python citelint version
  version="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$action_path/citelint/version.py")"
  [ -n "$version" ] || die "no citelint checkout at $action_path"
  if [ -n "${INPUT_VERSION:-}" ] && [ "${INPUT_VERSION#v}" != "$version" ]; then
    die "the version input says ${INPUT_VERSION} but this action's checkout is citelint $version: use the action at the tag v${INPUT_VERSION#v}"
  fi
  python="$(find_python)" || die "citelint needs Python 3.11 or newer: add actions/setup-python before this step (or set the python input)"
  venv="$(venv_dir)"
  "$python" -m venv "$venv"
  if [ -x "$venv/bin/python" ]; then venv_python="$venv/bin/python"; else venv_python="$venv/Scripts/python.exe"; fi
  # pip builds in the action's folder (build/, *.egg-info): the runner's own download of the action.
  "$venv_python" -m pip install --quiet --disable-pip-version-check "$action_path" ||
    die "could not install citelint from $action_path"
  if [ -x "$venv/bin/citelint" ]; then citelint="$venv/bin/citelint"; else citelint="$venv/Scripts/citelint.exe"; fi
  echo "citelint $version installed from $action_path"
  output citelint "$citelint"
  output version "$version"
}

sha256() {  # sha256sum on Linux and Windows' Git Bash, shasum on macOS
  if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi
}

cache_key() {
  # The URL cache is kept between runs by actions/cache, outside the checkout
  # (docs/security.md). The key changes when the cited URLs change and once a week
  # (so fresh verdicts are saved); restore-keys take the newest earlier cache.
  local dir="${RUNNER_TEMP:?RUNNER_TEMP is not set}/citelint-cache"
  local urls_hash week prefix
  cd "${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set}"
  set -f
  # shellcheck disable=SC2086 # paths are split on white space, unglobbed
  urls_hash="$( (grep -rhoE --include='*.md' --include='*.markdown' --include='*.txt' \
    'https?://[^][()<>"[:space:]]+|\b10\.[0-9]{4,9}/[^][()<>"[:space:]]+' ${INPUT_PATHS:-.} 2>/dev/null || true) |
    LC_ALL=C sort -u | sha256 | cut -c1-16)"
  set +f
  week="$(date -u +%G-W%V)"
  prefix="citelint-urls-v1-${RUNNER_OS:-$(uname -s)}-"
  output dir "$dir"
  output key "${prefix}${week}-${urls_hash}"
  output restore-keys "$prefix"
}

check() {
  local citelint="${CITELINT:?CITELINT is not set (the install step gives it)}"
  local format="${INPUT_FORMAT:-github}" cache_dir="${RUNNER_TEMP:?RUNNER_TEMP is not set}/citelint-cache"
  local -a command paths args
  cd "${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set}"
  set -f  # white space splits paths and args; nothing in them is globbed
  # shellcheck disable=SC2206
  paths=(${INPUT_PATHS:-.})
  # shellcheck disable=SC2206
  args=(${INPUT_ARGS:-})
  set +f
  command=("$citelint" check --format "$format" --cache-dir "$cache_dir")
  case "${INPUT_URLS:-false}" in
    # The run's time limit on the command line: a pull request's configuration cannot raise it (args can).
    true) command+=(--urls --no-allow-private --run-timeout 1200) ;;
    false | "") ;;
    *) die "the urls input is true or false, not '${INPUT_URLS}'" ;;
  esac
  command+=("${args[@]}" -- "${paths[@]}")
  echo "+ ${command[*]}" >&2
  local code=0
  if [ "$format" = sarif ]; then
    local sarif="${INPUT_SARIF_FILE:-citelint.sarif}"
    mkdir -p -- "$(dirname -- "$sarif")" || die "cannot create the folder of $sarif"
    "${command[@]}" >"$sarif" || code=$?
    echo "citelint: SARIF report written to $sarif (exit code $code)"
    output sarif-file "$sarif"
  else
    "${command[@]}" || code=$?
  fi
  output exit-code "$code"
  return "$code"
}

case "${1:-}" in
  install) install ;;
  cache-key) cache_key ;;
  check) check ;;
  *) echo "usage: run.sh install|cache-key|check" >&2; exit 2 ;;
esac
