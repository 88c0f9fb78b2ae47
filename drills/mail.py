from __future__ import annotations

import email
from collections import Counter
from email.header import decode_header, make_header
from pathlib import Path

SEPARATOR = "-" * 79  # what Django's file backend writes after each message


def subjects(folder: Path) -> Counter:
    """Subjects (unfolded) of every e-mail the file backend wrote into the folder."""
    found: Counter = Counter()
    for path in folder.iterdir():
        if not path.is_file():
            continue
        for chunk in path.read_text(errors="replace").split(SEPARATOR):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.lstrip("\n"))
            subject = message.get("Subject")
            if subject is not None:
                found[" ".join(str(make_header(decode_header(subject))).split())] += 1
    return found
