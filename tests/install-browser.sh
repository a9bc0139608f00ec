#!/bin/sh
# The browser the report's test opens its page in (tests/test_report_html.py):
# nothing to do when a Chromium or Chrome is on PATH or CITELINT_TEST_BROWSER
# names one; else Debian's chromium package, installed with apt-get (as root,
# or through sudo). Anywhere else: install Chromium or Chrome, or set
# CITELINT_TEST_BROWSER, and run the tests.
set -eu
if [ -n "${CITELINT_TEST_BROWSER:-}" ]; then
    exit 0
fi
for name in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$name" >/dev/null 2>&1; then
        exit 0
    fi
done
if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    echo "tests/install-browser.sh: installing Debian's chromium for the report's browser test" >&2
    for attempt in 1 2 3; do  # a registry that fails once is tried again
        if $sudo apt-get update -qq >/dev/null &&
            DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
            exit 0
        fi
        echo "tests/install-browser.sh: apt-get failed (attempt $attempt of 3)" >&2
        sleep 5
    done
    exit 1
fi
echo "tests/install-browser.sh: no Chromium found and no apt-get to install it: install Chromium or Chrome, or set CITELINT_TEST_BROWSER to one" >&2
exit 1
