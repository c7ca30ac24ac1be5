#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make bench': boots the VT-x test host once with plans/bench.plan and turns
# the "# bench: NAME VALUE UNIT" lines into a table and build/bench/results.json.
#
# usage: bench.sh [--kver KVER] [--host HOST]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kver="" host=vmx
while [ $# -gt 0 ]; do
	case $1 in
	--kver) kver=$2; shift 2 ;;
	--host) host=$2; shift 2 ;;
	*) echo "bench.sh: unknown argument $1" >&2; exit 1 ;;
	esac
done
out=$top/build/bench
mkdir -p "$out"
"$here/run.sh" --host "$host" ${kver:+--kver "$kver"} --plan "$here/plans/bench.plan" \
	--out "$top/build/testhost/bench" > "$out/run.log" 2>&1
rc=$?
log=$top/build/testhost/bench/serial.log
grep -a '^# bench: ' "$log" | tr -d '\r' | sed 's/^# bench: //' > "$out/figures.txt"
host_desc=$(grep -a 'minivmm-run: CPU' "$log" | tr -d '\r' | sed 's/.*minivmm-run: CPU //' | head -n1)
{
	printf '{\n  "host": "%s",\n  "when": "%s",\n  "clock": "%s",\n  "figures": [\n' \
		"$(grep -q '^run.sh: bochs' "$out/run.log" && echo bochs || echo "$host")" \
		"$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		"emulated: guest time advances with emulated instructions (Bochs, clock sync=none)"
	awk 'NR > 1 { printf ",\n" } { printf "    {\"name\": \"%s\", \"value\": %s, \"unit\": \"%s\"}", $1, $2, $3 }' \
		"$out/figures.txt"
	printf '\n  ]\n}\n'
} > "$out/results.json"
echo "minivmm benchmarks ($host_desc)"
echo "Timings are emulated time: deterministic instruction counts, compare ratios only."
printf '%-32s %16s  %s\n' metric value unit
awk '{ printf "%-32s %16s  %s\n", $1, $2, $3 }' "$out/figures.txt"
echo "results: $out/results.json (run log: $out/run.log)"
tail -n 1 "$out/run.log"
exit $rc
