#!/usr/bin/python3
"""Prints the messages of a maildir as JSON, for the delivery tests:
[{message_id, subject, to, rcpt_to, reminders, body}] with the subject and
body decoded. Uses only the standard library."""
import json
import mailbox
import sys
from email import policy
from email.parser import BytesParser

out = []
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
for key in sorted(box.keys()):
    with box.get_file(key) as f:
        m = BytesParser(policy=policy.default).parse(f)
    out.append({
        "message_id": str(m["Message-ID"] or ""),
        "subject": str(m["Subject"] or ""),
        "to": str(m["To"] or ""),
        "rcpt_to": str(m["X-RcptTo"] or ""),
        "reminders": str(m["X-Jalon-Reminders"] or ""),
        "body": m.get_content(),
    })
json.dump(out, sys.stdout, ensure_ascii=False)
