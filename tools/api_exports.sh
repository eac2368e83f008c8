#!/usr/bin/env bash
# api_exports.sh FILE.c: prints emcc's EXPORTED_FUNCTIONS list (_name,_name,...) for
# every function FILE.c defines on a line starting with API_EXPORT.
sed -n 's/^API_EXPORT[^(]* \**\([a-z_0-9]*\)(.*/_\1/p' "$1" | paste -sd, -
