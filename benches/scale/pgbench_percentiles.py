#!/usr/bin/env python3
"""p50 and p99 (ms) from pgbench's per-transaction logs (`--log`): the third field is the
transaction's latency in microseconds. Prints `p50_ms=… p99_ms=…`."""
import sys

values = []
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 3:
                values.append(int(fields[2]))
values.sort()
pct = lambda q: values[min(len(values) - 1, int(q * len(values)))] / 1000 if values else 0
print(f"p50_ms={pct(0.5):.2f} p99_ms={pct(0.99):.2f}")
