"""Write boundaries/hex/nhs.hexjson: one hexagon for each of gapmap's 68 NHS areas, keyed by our area codes.

Run: python scripts/make_hex_nhs.py

The 42 English ICBs keep the published layout (Open Innovations, nhs-icb-england.hexjson, MIT), keyed through
nhs-icb-england-crosswalk.csv to the E54 codes in boundaries/areas.csv, with the publisher's short names. The 26
Welsh health boards, Scottish health boards and Northern Ireland HSC trusts have no published layout; gapmap
places them by the fixed table below, on the same odd-r grid (rows count upwards, odd rows shifted right by half a
hexagon), in roughly the right place:

- Wales west of the English ICBs it borders (Betsi Cadwaladr beside Cheshire and Merseyside, Powys beside
  Shropshire, Aneurin Bevan beside Gloucestershire), Cardiff and Vale across the Bristol Channel from Somerset;
- Scotland above North East and North Cumbria and Lancashire and South Cumbria, south to north as on the ground
  (Dumfries and Galloway and the Borders first, Shetland last), the Western Isles to the west of Highland;
- Northern Ireland to the west of Scotland, one empty column of sea between them.

The script checks that every code in areas.csv at the NHS level has exactly one hexagon and no two share a cell.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEX = ROOT / "boundaries" / "hex"

# code: (short name, q, r). Placed by hand as described above; see boundaries/hex/README.md.
OTHERS: dict[str, tuple[str, int, int]] = {
    # Wales (local health boards)
    "W11000023": ("BCU", 2, 7),  # Betsi Cadwaladr: north Wales, beside Cheshire and Merseyside
    "W11000024": ("PTH", 2, 6),  # Powys: mid Wales, beside Shropshire
    "W11000025": ("HDD", 1, 6),  # Hywel Dda: west Wales
    "W11000031": ("SBU", 0, 5),  # Swansea Bay
    "W11000030": ("CTM", 1, 5),  # Cwm Taf Morgannwg: the valleys
    "W11000029": ("C&V", 1, 4),  # Cardiff and Vale: across the Bristol Channel from Somerset
    "W11000028": ("ABU", 2, 4),  # Aneurin Bevan: Gwent, beside Gloucestershire
    # Scotland (health boards), south to north
    "S08000017": ("D&G", 4, 10),  # Dumfries and Galloway, above Lancashire and South Cumbria
    "S08000016": ("BOR", 5, 10),  # Borders, above North East and North Cumbria
    "S08000015": ("A&A", 3, 11),  # Ayrshire and Arran
    "S08000032": ("LAN", 4, 11),  # Lanarkshire
    "S08000024": ("LOT", 5, 11),  # Lothian
    "S08000031": ("GGC", 3, 12),  # Greater Glasgow and Clyde
    "S08000019": ("FV", 4, 12),  # Forth Valley
    "S08000029": ("FIF", 5, 12),  # Fife
    "S08000022": ("HIG", 3, 13),  # Highland
    "S08000030": ("TAY", 4, 13),  # Tayside
    "S08000020": ("GRA", 5, 13),  # Grampian
    "S08000028": ("WI", 2, 14),  # Western Isles, west of Highland
    "S08000025": ("ORK", 4, 14),  # Orkney
    "S08000026": ("SHE", 4, 15),  # Shetland
    # Northern Ireland (HSC trusts), west of Scotland
    "WHSCT": ("WHT", 0, 12),  # Western
    "NHSCT": ("NHT", 1, 12),  # Northern
    "SHSCT": ("SHT", 0, 11),  # Southern
    "BHSCT": ("BHT", 1, 11),  # Belfast
    "SEHSCT": ("SET", 2, 10),  # South Eastern
}


def build() -> dict[str, object]:
    with (HEX / "nhs-icb-england-crosswalk.csv").open(encoding="utf-8", newline="") as f:
        crosswalk = {r["hex_key"]: r for r in csv.DictReader(f)}
    published = json.loads((HEX / "nhs-icb-england.hexjson").read_text(encoding="utf-8"))
    with (ROOT / "boundaries" / "areas.csv").open(encoding="utf-8", newline="") as f:
        names = {r["code"]: r["name"] for r in csv.DictReader(f) if r["level"] == "nhs"}
    hexes: dict[str, dict[str, object]] = {}
    for key, h in published["hexes"].items():
        code = crosswalk[key]["nhs_area_code"]
        hexes[code] = {"n": names[code], "short": crosswalk[key]["short"], "q": h["q"], "r": h["r"]}
    for code, (short, q, r) in OTHERS.items():
        hexes[code] = {"n": names[code], "short": short, "q": q, "r": r}
    problems = [f"no hexagon for {c} {names[c]}" for c in sorted(set(names) - set(hexes))]
    problems += [f"{c} is not an NHS area in areas.csv" for c in sorted(set(hexes) - set(names))]
    cells: dict[tuple[object, object], str] = {}
    for code, h in hexes.items():
        other = cells.setdefault((h["q"], h["r"]), code)
        if other != code:
            problems.append(f"{code} and {other} share the cell q={h['q']}, r={h['r']}")
    if problems:
        sys.exit("\n".join(problems))
    return {"layout": "odd-r", "hexes": dict(sorted(hexes.items()))}


def main() -> None:
    layout = build()
    lines = [f'\t\t"{code}":{json.dumps(h, ensure_ascii=False)}' for code, h in layout["hexes"].items()]  # type: ignore[attr-defined]
    text = '{\n\t"layout":"odd-r",\n\t"hexes": {\n' + ",\n".join(lines) + "\n\t}\n}\n"
    (HEX / "nhs.hexjson").write_text(text, encoding="utf-8")
    print(f"wrote {HEX / 'nhs.hexjson'}: {len(lines)} hexagons")


if __name__ == "__main__":
    main()
