#!/usr/bin/python3
"""Prints the messages of a maildir as JSON, for the delivery tests:
[{message_id, subject, from, to, date, rcpt_to, reminders, auto_submitted,
content_type, charset, transfer_encoding, raw_subject, longest_line, body}],
with the subject, the sender's name and the body decoded as a mail client
does (email.policy.default). Uses only the standard library."""
import json
import mailbox
import sys
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

out = []
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
for key in sorted(box.keys()):
    with box.get_file(key) as f:
        raw = f.read()
    m = BytesParser(policy=policy.default).parsebytes(raw)
    head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    raw_subject = next((line.decode("ascii") for line in head.splitlines()
                        if line.lower().startswith(b"subject:")), "")
    sender = m["From"]
    out.append({
        "message_id": str(m["Message-ID"] or ""),
        "subject": str(m["Subject"] or ""),
        "from_name": sender.addresses[0].display_name if sender else "",
        "from_address": sender.addresses[0].addr_spec if sender else "",
        "to": str(m["To"] or ""),
        "date": parsedate_to_datetime(m["Date"]).isoformat() if m["Date"] else "",
        "rcpt_to": str(m["X-RcptTo"] or ""),
        "reminders": str(m["X-Jalon-Reminders"] or ""),
        "auto_submitted": str(m["Auto-Submitted"] or ""),
        "content_type": m.get_content_type(),
        "charset": m.get_content_charset() or "",
        "transfer_encoding": str(m["Content-Transfer-Encoding"] or ""),
        "raw_subject": raw_subject,
        "ascii_only": all(b < 128 for b in raw),
        "longest_line": max(raw.split(b"\n"), key=len).rstrip(b"\r").decode("ascii", "replace"),
        "body": m.get_content(),
    })
json.dump(out, sys.stdout, ensure_ascii=False)
