#!/usr/bin/python3
"""Files for the update sheet's tests, written by real programs.

  sheet_files.py fill IN OUT FILLS   fills the workbook IN with openpyxl and
      saves OUT. FILLS is JSON {sheet: {id: {heading: value}}}; a value
      "date:YYYY-MM-DD" is written as a date cell, any other string as a
      text cell (never a formula, even when it begins with "="), a number as
      a number. A row is found by its id in column A.
  sheet_files.py read IN             prints JSON {sheet: {state, rows, kinds}}
      as openpyxl reads IN: kinds[r][c] is the cell's data type ("f" for a
      formula, "s" a string, "n" a number, "d" a date).
  sheet_files.py bomb OUT            an .xlsx whose sheet inflates to 64 MiB.
  sheet_files.py laughs OUT          an .xlsx whose workbook.xml declares
      nested entities (the "billion laughs").
  sheet_files.py handmade OUT        an "actions" sheet as other writers
      save one: prefixed elements (x:row), inline strings, skipped columns,
      a date as a serial number, formulas with and without a cached value.
"""
import datetime
import io
import json
import sys
import zipfile

import openpyxl


def fill(src, dst, fills):
    book = openpyxl.load_workbook(src)
    for sheet_name, rows in fills.items():
        ws = book[sheet_name]
        headings = [c.value for c in ws[1]]
        for row_id, values in rows.items():
            target = None
            for row in ws.iter_rows(min_row=2):
                if row[0].value == row_id:
                    target = row[0].row
            if target is None:  # a new row at the end
                target = ws.max_row + 1
                ws.cell(row=target, column=1, value=row_id)
            for heading, value in values.items():
                cell = ws.cell(row=target, column=headings.index(heading) + 1)
                if isinstance(value, str) and value.startswith("date:"):
                    cell.value = datetime.datetime.fromisoformat(value[5:])
                    cell.number_format = "DD/MM/YYYY"
                else:
                    cell.value = value
                    if isinstance(value, str):
                        cell.data_type = "s"  # as typed with a leading ' in Excel
    book.save(dst)


def read(src):
    book = openpyxl.load_workbook(src)
    out = {}
    for ws in book.worksheets:
        rows, kinds = [], []
        for row in ws.iter_rows():
            rows.append([c.value if not isinstance(c.value, datetime.datetime)
                         else c.value.date().isoformat() for c in row])
            kinds.append([c.data_type for c in row])
        out[ws.title] = {"state": ws.sheet_state, "rows": rows, "kinds": kinds}
    print(json.dumps(out, ensure_ascii=False))


def minimal_xlsx(dst, workbook_xml, sheet_xml):
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", workbook_xml)
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)


WORKBOOK = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="actions" sheetId="1" r:id="rId1"/></sheets></workbook>')

if __name__ == "__main__":
    if sys.argv[1] == "fill":
        fill(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
    elif sys.argv[1] == "read":
        read(sys.argv[2])
    elif sys.argv[1] == "bomb":
        sheet = io.StringIO()
        sheet.write('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                    'main"><sheetData>')
        sheet.write(" " * (64 << 20))
        sheet.write("</sheetData></worksheet>")
        minimal_xlsx(sys.argv[2], WORKBOOK, sheet.getvalue())
    elif sys.argv[1] == "handmade":
        main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        def text(ref, t):
            return '<x:c r="%s" t="inlineStr"><x:is><x:t>%s</x:t></x:is></x:c>' % (ref, t)
        headings = ["action", "intitulé", "pilote", "échéance", "avancement actuel",
                    "nouvel avancement", "date", "note"]
        row1 = "".join(text(chr(65 + i) + "1", h) for i, h in enumerate(headings))
        row2 = (text("A2", "A1.2") + '<x:c r="F2"><x:v>70</x:v></x:c>' +
                '<x:c r="G2" s="1"><x:v>43266</x:v></x:c>')
        row3 = (text("A3", "A2.1") + '<x:c r="F3"><x:f>50+5</x:f><x:v>55</x:v></x:c>' +
                '<x:c r="H3" t="str"><x:f>A1</x:f></x:c>')
        sheet = ('<x:worksheet xmlns:x="%s"><x:sheetData><x:row r="1">%s</x:row>'
                 '<x:row r="2">%s</x:row><x:row r="3">%s</x:row></x:sheetData></x:worksheet>'
                 % (main, row1, row2, row3))
        minimal_xlsx(sys.argv[2], WORKBOOK, sheet)
    elif sys.argv[1] == "laughs":
        entities = '<!ENTITY a "hahahahahahahahahaha">' + "".join(
            '<!ENTITY %s "%s">' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(9))
        workbook = ('<?xml version="1.0"?><!DOCTYPE workbook [' + entities + ']>' +
                    WORKBOOK.replace('name="actions"', 'name="&j;"'))
        minimal_xlsx(sys.argv[2], workbook, "<worksheet/>")
