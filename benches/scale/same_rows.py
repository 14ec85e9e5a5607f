"""Whether two CSV files hold the same records (quoting, line ends and a byte-order mark aside).

usage: same_rows.py SERVICE.csv BASELINE.csv   prints "same rows" or the first record that differs
"""
import csv
import sys


def records(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f))


service, baseline = records(sys.argv[1]), records(sys.argv[2])
if service == baseline:
    print(f"same rows ({len(service) - 1})")
else:
    first = next((i for i, (a, b) in enumerate(zip(service, baseline)) if a != b), min(len(service), len(baseline)))
    print(f"ROWS DIFFER at record {first} ({len(service)} against {len(baseline)} records)")
