#!/usr/bin/env python3
"""Re-derive every score of a kinerja score report from the inputs it carries, and compare.

An auditor's check that a frozen score follows from its inputs and its policy version alone,
without the service: download the score report with its inputs,

    curl -s -o skor.jsonl -H "authorization: Bearer $AUDITOR" \
      "$BASE/api/v1/organizations/$ORG/reports/scores?period_id=$PERIOD&include=inputs&format=jsonl"

then run `python3 docs/rederive.py skor.jsonl`. Each row prints `match` or `mismatch` (naming
the figures that differ, the file's value and the re-derived one); the exit status is 0 when every
row with inputs matches, 1 otherwise. A JSON page (`{"items": [...]}`) is read too.

The formulas are the service's (PermenPANRB 6/2022, PP 30/2019, as in src/domain/): capaian per
aspect (time and cost switch formula at an efficiency of 24), the mean per indicator capped at 120,
the weighted nilai hasil kerja, the BerAKHLAK behaviour mean over the rater groups the policy
weighs, the suggested ratings by the policy's thresholds, the predicate matrix and nilai kinerja.
They are computed in the same order as the service computes them, so the figures agree to the last
digit; they are compared within 1e-9. Python's standard library only.
"""

import json
import sys

CAP = 120.0
EFFICIENCY_SWITCH = 24.0
TOLERANCE = 1e-9

BERAKHLAK = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]
LOWER_IS_BETTER = {"waktu", "biaya"}
ABOVE, MEETS, BELOW = "di_atas_ekspektasi", "sesuai_ekspektasi", "di_bawah_ekspektasi"

# The predicate matrix: (results, behaviour) -> predicate.
PREDIKAT = {
    (BELOW, ABOVE): "butuh_perbaikan",
    (MEETS, ABOVE): "baik",
    (ABOVE, ABOVE): "sangat_baik",
    (BELOW, MEETS): "butuh_perbaikan",
    (MEETS, MEETS): "baik",
    (ABOVE, MEETS): "baik",
    (BELOW, BELOW): "sangat_kurang",
    (MEETS, BELOW): "kurang",
    (ABOVE, BELOW): "kurang",
}


def total(values):
    """A sum in the given order, as the service adds."""
    s = 0.0
    for v in values:
        s += v
    return s


def aspect_score(aspect, target, realised):
    if realised == 0.0:
        return 0.0
    if aspect not in LOWER_IS_BETTER:
        score = realised / target * 100.0
    else:
        efficiency = 100.0 - realised / target * 100.0
        base = (1.76 * target - realised) / target * 100.0
        score = base if efficiency <= EFFICIENCY_SWITCH + TOLERANCE else 76.0 - (base - 100.0)
    return 0.0 if score < 0.0 else score  # floored at 0


def rate(value, thresholds):
    if value >= thresholds["above"] - TOLERANCE:
        return ABOVE
    if value >= thresholds["meets"] - TOLERANCE:
        return MEETS
    return BELOW


def results(targets, thresholds):
    """(nilai hasil kerja, suggested results rating), or (None, None) without weight."""
    capaians = []
    for target in targets:
        per_indicator = []
        for indicator in target["indicators"]:
            scores = [
                aspect_score(a["aspect"], a["target"], a["realised"] if a.get("realised") is not None else 0.0)
                for a in indicator["aspects"]
            ]
            mean = total(scores) / len(scores)
            per_indicator.append(min(mean, CAP))
        capaians.append(total(per_indicator) / len(per_indicator))
    weight = total(max(t["weight"], 0.0) for t in targets)
    if weight <= 0.0:
        return None, None
    nilai = min(total(max(t["weight"], 0.0) * c for t, c in zip(targets, capaians)) / weight, CAP)
    suggested = rate(nilai, thresholds)
    if suggested == ABOVE and any(
        t["kind"] == "utama" and rate(c, thresholds) == BELOW for t, c in zip(targets, capaians)
    ):
        suggested = MEETS  # a main target below expectations holds the rating at "meets"
    return nilai, suggested


def minimum_respondents(group, min_peers):
    return 1 if group in ("supervisor", "self_assessment") else max(min_peers, 1)


def behaviour(inputs, policy):
    """(mean, multi_rater) over the groups the policy weighs, or (None, False)."""
    withheld = {w["group"] for w in inputs.get("withheld", [])}
    weights = policy["rater_weights"]
    counted = []
    for group in inputs["behaviour"]:
        name = group["group"]
        if name in withheld or group["respondents"] <= 0 or name == "self_assessment":
            continue
        if group["respondents"] < minimum_respondents(name, policy["min_peers"]):
            continue
        weight = weights.get(name, 0.0)
        if weight <= 0.0:
            continue
        counted.append((group, weight))
    weight_sum = total(w for _, w in counted)
    if not counted or weight_sum <= 0.0:
        return None, False
    per_value = [total(g["means"][value] * w / weight_sum for g, w in counted) for value in BERAKHLAK]
    mean = total(per_value) / len(per_value)
    multi_rater = any(g["group"] in ("peer", "subordinate") for g, _ in counted)
    return mean, multi_rater


def nilai_kinerja(nilai_hasil_kerja, behaviour_mean, citizen, multi_rater, weights):
    if multi_rater:
        w_results, w_behaviour = weights["results_multi_rater"], weights["behaviour_multi_rater"]
    else:
        w_results, w_behaviour = weights["results"], weights["behaviour"]
    candidates = [
        (nilai_hasil_kerja, None if nilai_hasil_kerja is None else min(nilai_hasil_kerja, CAP), w_results),
        (behaviour_mean, None if behaviour_mean is None else min(behaviour_mean / 3.0 * 100.0, CAP), w_behaviour),
        (citizen, None if citizen is None else min(citizen, CAP), weights["citizen"]),
    ]
    present = [(pct, w) for raw, pct, w in candidates if raw is not None and w > 0.0]
    weight_sum = total(w for _, w in present)
    if not present or weight_sum <= 0.0:
        return None
    return min(max(total(pct * (w / weight_sum) for pct, w in present), 0.0), CAP)


def rederive(inputs):
    """The report's figures computed from one score's inputs."""
    policy = inputs["policy"]
    nilai_hasil_kerja, suggested_results = results(inputs["targets"], policy["results_thresholds"])
    mean, multi_rater = behaviour(inputs, policy)
    suggested_behaviour = None if mean is None else rate(mean, policy["behaviour_thresholds"])
    index = inputs.get("citizen") or {}
    citizen_index = index.get("converted") if index.get("status") == "index" else None
    weighed_citizen = citizen_index if policy["component_weights"]["citizen"] > 0.0 else None
    supervisor, objection = inputs.get("supervisor_ratings"), inputs.get("objection")
    decided = objection or supervisor or {}
    final_results, final_behaviour = decided.get("results"), decided.get("behaviour")
    if final_results and final_behaviour:
        predikat = PREDIKAT[(final_results, final_behaviour)]
    elif suggested_results and suggested_behaviour:
        predikat = PREDIKAT[(suggested_results, suggested_behaviour)]
    else:
        predikat = None
    return {
        "nilai_hasil_kerja": nilai_hasil_kerja,
        "behaviour_mean": mean,
        "citizen_index": citizen_index,
        "nilai_kinerja": nilai_kinerja(
            nilai_hasil_kerja, mean, weighed_citizen, multi_rater, policy["component_weights"]
        ),
        "suggested_results": suggested_results,
        "suggested_behaviour": suggested_behaviour,
        "final_results": final_results,
        "final_behaviour": final_behaviour,
        "predikat": predikat,
        "policy_version": inputs["policy_version"],
    }


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) <= 1e-9
    return a == b


def rows_of(text):
    """The rows of a JSON Lines file, or of a JSON page (`{"items": [...]}`)."""
    text = text.lstrip("\ufeff")
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if isinstance(whole, dict):
        return whole["items"] if "items" in whole else [whole]
    return whole


def main(argv):
    if len(argv) != 2:
        print("usage: rederive.py REPORT.jsonl   (a score report exported with include=inputs)", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        rows = rows_of(f.read())
    checked = mismatched = skipped = 0
    for row in rows:
        who = f"{row.get('nip')} {row.get('name')} ({row.get('period')}, {row.get('state')}"
        who += f", snapshot {row['snapshot']})" if row.get("snapshot") else ")"
        inputs = row.get("inputs")
        if not inputs:
            skipped += 1
            print(f"skipped   {who}: no inputs (export with include=inputs)")
            continue
        again = rederive(inputs)
        differing = [
            f"{field} {row.get(field)!r} in the file, {value!r} re-derived"
            for field, value in again.items()
            if not same(row.get(field), value)
        ]
        checked += 1
        if differing:
            mismatched += 1
            print(f"mismatch  {who}: " + "; ".join(differing))
        else:
            print(f"match     {who}: nilai kinerja {row.get('nilai_kinerja')}, {row.get('predikat')}, "
                  f"policy version {row.get('policy_version')}")
    print(f"{checked} re-derived, {checked - mismatched} match, {mismatched} mismatch, {skipped} without inputs")
    return 1 if mismatched or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
