#!/usr/bin/python3
"""Reads back an .xlsx written by Jalon with the standard library only
(zipfile + ElementTree), and prints JSON: {sheets: {name: {frozen, rows}}},
rows as lists of cell values (shared strings resolved, numbers as floats),
the number format id of each cell's style in `formats`, and each cell's kind
in `kinds`: "formula" when it holds one, else its type ("s" a shared string,
"str", "inlineStr", "b", "n" a number)."""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
z = zipfile.ZipFile(sys.argv[1])
shared = []
if "xl/sharedStrings.xml" in z.namelist():
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
        text = "".join(t.text or "" for t in si.iter("{%s}t" % NS["m"]))
        # OOXML escapes control characters as _xHHHH_ (ECMA-376 ST_Xstring).
        shared.append(re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text))
styles = ET.fromstring(z.read("xl/styles.xml"))
num_formats = {nf.get("numFmtId"): nf.get("formatCode")
               for nf in styles.iter("{%s}numFmt" % NS["m"])}
xfs = [xf.get("numFmtId") for xf in styles.find("m:cellXfs", NS).findall("m:xf", NS)]
book = ET.fromstring(z.read("xl/workbook.xml"))
rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
targets = {r.get("Id"): r.get("Target") for r in rels}
out = {}
for sheet in book.find("m:sheets", NS):
    name = sheet.get("name")
    target = targets[sheet.get("{%s}id" % NS["r"])]
    root = ET.fromstring(z.read("xl/" + target))
    pane = root.find(".//m:pane", NS)
    rows = []
    formats = []
    kinds = []
    for row in root.find("m:sheetData", NS):
        values, fmts, cell_kinds = [], [], []
        for c in row:
            v = c.find("m:v", NS)
            kind = c.get("t")
            cell_kinds.append("formula" if c.find("m:f", NS) is not None else (kind or "n"))
            value = None if v is None else (shared[int(v.text)] if kind == "s" else float(v.text))
            fmt_id = xfs[int(c.get("s", "0"))]
            values.append(value)
            fmts.append(num_formats.get(fmt_id, fmt_id))
        rows.append(values)
        formats.append(fmts)
        kinds.append(cell_kinds)
    out[name] = {"frozen": pane is not None and pane.get("ySplit") == "1",
                 "rows": rows, "formats": formats, "kinds": kinds}
json.dump({"sheets": out}, sys.stdout, ensure_ascii=False)
