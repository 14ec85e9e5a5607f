#!/usr/bin/env bash
# Issue 9's "Done means" for the scores: every demo employee's yearly score with its explanation,
# three of them shown step by step (to check by hand against domain.md), then the year closed: the
# scores are served frozen, as they were.
# Usage: scores.sh BASE PASSWORD   (against a fresh `kinerja seed --demo`; it closes last year)
set -euo pipefail
B=$1; PW=$2
j() { python3 -c "import sys,json; d=json.load(sys.stdin); exec(sys.argv[1])" "$1"; }
tok() { curl -sf $B/api/v1/auth/token -H 'content-type: application/json' -d "{\"grant_type\":\"password\",\"nip\":\"$1\",\"password\":\"$PW\"}" | j 'print(d["access_token"])'; }
ADMIN=$(tok 197801152003121001)
H() { echo "authorization: Bearer $1"; }
PERIOD=$(curl -sf "$B/api/v1/periods?status=evaluating" -H "$(H $ADMIN)" | j 'print(d["items"][0]["id"])')
YEAR=$(curl -sf $B/api/v1/periods/$PERIOD -H "$(H $ADMIN)" | j 'print(d["year"], d["status"])')
echo "== the $YEAR period: every employee's yearly score"
PEOPLE=$(curl -sf "$B/api/v1/employees?limit=200" -H "$(H $ADMIN)" | j 'print(" ".join(e["id"] for e in d["items"]))')
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
SUMMARY='
c = d["explanation"]; r = {x["dimension"]: x for x in c["ratings"]}; p = c["predicate"] or {}; nk = c["nilai_kinerja"]
f = lambda v: "-" if v is None else ("%.4f" % v)
print("%-26s %-6s nhk %-9s behaviour %-7s results %s/%s behaviour %s/%s predikat %-16s (%s) nilai kinerja %s" % (
  d["employee_name"], d["state"], f(c["results"]["nilai_hasil_kerja"]), f(c["behaviour"]["mean"]),
  r["results"]["suggested"], r["results"]["final"], r["behaviour"]["suggested"], r["behaviour"]["final"],
  p.get("predikat"), p.get("basis"), f(nk and nk["value"])))'
for e in $PEOPLE; do
  curl -sf "$B/api/v1/employees/$e/score?period_id=$PERIOD" -H "$(H $ADMIN)" > $TMP/$e.json
  j "$SUMMARY" < $TMP/$e.json
done
EXPLAIN='
c = d["explanation"]
print("--", d["employee_name"], "policy version", c["policy_version"])
for t in c["results"]["targets"]:
  print("  target %s (%s, weight %g, share %.4f)" % (t["description"], t["kind"], t["weight"], t["weight_share"]))
  for i in t["indicators"]:
    for a in i["aspects"]:
      print("    %-9s target %-12g realised %-12g %-26s %s -> %.4f" % (a["aspect"], a["target"], a["realised"], a["branch"], a["formula"], a["percentage"]))
  print("    capaian %.4f%s, contribution %.4f" % (t["capaian"], " (capped from %.4f)" % t["uncapped"] if t["capped"] else "", t["contribution"]))
s = c["results"]["suggested"]
print("  nilai hasil kerja %.4f: %s" % (c["results"]["nilai_hasil_kerja"], s["rule"]))
b = c["behaviour"]
for g in b["groups"]:
  print("  behaviour group %-15s respondents %-4s counted %-5s weight %.4f %s" % (g["group"], g["respondents"], g["counted"], g["weight"], g["reason"] or ""))
for v in b["values"]:
  print("    %-22s supervisor %-4s peer %-6s subordinate %-6s self %-4s combined %s" % (v["value"], v["supervisor"], v["peer"], v["subordinate"], v["self_assessment"], v["combined"]))
print("  behaviour mean %s, multi-rater %s: %s" % (b["mean"], b["multi_rater"], (b["suggested"] or {}).get("rule", b["missing"])))
ci = c["citizen"]["index"]
print("  citizen index (weight %g):" % c["citizen"]["policy_weight"], ci and {k: ci.get(k) for k in ("status", "respondents", "converted", "mutu")})
for r in c["ratings"]:
  print("  rating %-9s suggested %-20s supervisor %-20s objection %-20s (%s) final %-20s from %-10s reason: %s" % (r["dimension"], r["suggested"], r["supervisor"], r["objection"], r["objection_outcome"], r["final"], r["source"], r["reason"]))
p = c["predicate"]; print("  predikat:", p and p["rule"], "(%s)" % (p and p["basis"]))
nk = c["nilai_kinerja"]; print("  nilai kinerja %.4f =" % nk["value"], " + ".join("%.4f x %.4f (%s)" % (x["weight"], x["as_percent"], x["component"]) for x in nk["parts"]))'
echo "== three explained step by step (check by hand with domain.md's formulas)"
for nip in 199002142015031004 199207302019022005 198203112006042003; do
  e=$(curl -sf "$B/api/v1/employees?limit=200" -H "$(H $ADMIN)" | j "print([e['id'] for e in d['items'] if e['nip'] == '$nip'][0])")
  j "$EXPLAIN" < $TMP/$e.json
done
echo "== the admin closes the $YEAR period: every score is frozen"
VERSION=$(curl -sf $B/api/v1/periods/$PERIOD -H "$(H $ADMIN)" | j 'print(d["version"])')
curl -sf -X POST $B/api/v1/periods/$PERIOD/status -H "$(H $ADMIN)" -H "if-match: \"$VERSION\"" -H 'content-type: application/json' -d '{"status":"closed"}' | j 'print("period", d["status"])'
curl -sf "$B/api/v1/audit-events?resource_id=$PERIOD" -H "$(H $ADMIN)" | j 'print("audited:", [(e["action"], e["after"].get("on_close")) for e in d["items"] if e["after"] and e["after"].get("status") == "closed"])'
SAME=0
for e in $PEOPLE; do
  curl -sf "$B/api/v1/employees/$e/score?period_id=$PERIOD" -H "$(H $ADMIN)" > $TMP/$e.frozen.json
  python3 -c "
import json,sys
live, frozen = json.load(open('$TMP/$e.json')), json.load(open('$TMP/$e.frozen.json'))
assert frozen['state'] == 'frozen' and frozen['snapshot'] == 1, frozen['state']
assert frozen['explanation'] == live['explanation'], frozen['employee_name']
print('%-26s %s snapshot %s at %s, the same explanation as live' % (frozen['employee_name'], frozen['state'], frozen['snapshot'], frozen['frozen_at']))"
done
KABID=$(tok 198203112006042003)
curl -sf "$B/api/v1/scores/team?period_id=$PERIOD" -H "$(H $KABID)" | j 'print("kabid team:", [(i["employee_name"], i["state"], i["predikat"], None if i["nilai_kinerja"] is None else round(i["nilai_kinerja"], 4)) for i in d["items"]])'
