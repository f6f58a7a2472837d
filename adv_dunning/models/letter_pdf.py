"""Several reminder letters in one wkhtmltopdf call when the engine cannot do it Odoo's way.

Odoo renders a batch of records in one wkhtmltopdf call by giving it one HTML file per
record, then splits the PDF at the outlines (bookmarks) that wkhtmltopdf writes per file.
Both need wkhtmltopdf built against its patched Qt. The build that Linux distributions
ship (Debian's and Ubuntu's ``wkhtmltopdf`` package, "unpatched qt") refuses several input
files ("Exit with code 1, due to unknown error") and writes no outline, so Odoo's batch
fails and every letter needs a wkhtmltopdf process of its own, about a second and a half
each (measured: 10 letters in 16 s one by one, 3.9 s in one call).

Here the letters go to wkhtmltopdf as one HTML document, each starting on a new page with,
at its top, an invisible link to ``https://adv-letter.invalid/<id>``. Links are written
by every wkhtmltopdf build, as link annotations of the page they fall on: the PDF is split
where each letter's link is, and the links are removed. Anything unexpected (a letter
whose link is missing or out of order) raises, and the caller renders the letters one by
one as before.

Pure functions: no Odoo environment, tested on their own and against Odoo's rendering.
"""

import io
import itertools
import subprocess

import lxml.html
from lxml import etree

from odoo.tools.pdf import ArrayObject, NameObject, PdfFileReader, PdfWriter

MARKER = "https://adv-letter.invalid/"

_patched_qt = {}


def wkhtmltopdf_is_patched(binary):
    """Whether the wkhtmltopdf at ``binary`` is built against its patched Qt (it says so in
    ``--version``); asked once per process."""
    if binary not in _patched_qt:
        try:
            out = subprocess.run(
                [binary, "--version"], capture_output=True, text=True, timeout=30, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        _patched_qt[binary] = "patched qt" in out.lower()
    return _patched_qt[binary]


def merge_bodies(bodies, ids):
    """One HTML document of the ``bodies`` (as ``ir.actions.report._prepare_html`` gives
    them, one full document per record), each on its own pages, headed by its marker."""
    if len(bodies) != len(ids) or not bodies:
        raise ValueError("one body per letter")
    docs = [lxml.html.fromstring(body) for body in bodies]
    merged = docs[0]
    target = merged.find("body")
    parts = [list(doc.find("body")) for doc in docs]
    for child in parts[0]:
        target.remove(child)
    for index, (res_id, children) in enumerate(zip(ids, parts, strict=True)):
        style = "position: relative;" + (" page-break-before: always;" if index else "")
        part = etree.SubElement(target, "div", {"class": "o_adv_letter_part", "style": style})
        # Absolutely placed: the marker takes no room, the letter is laid out as alone.
        etree.SubElement(
            part,
            "a",
            {
                "href": f"{MARKER}{int(res_id)}",
                "style": "position: absolute; top: 0; left: 0; width: 1mm; height: 1mm;",
            },
        )
        part.extend(children)
    return lxml.html.tostring(merged, encoding="unicode", doctype="<!DOCTYPE html>")


def split_by_markers(pdf, ids):
    """Split the PDF of ``merge_bodies`` into one PDF per id, without the markers.

    :return: {id: PDF content}
    :raise ValueError: a letter's marker is missing, repeated or out of order
    """
    reader = PdfFileReader(io.BytesIO(pdf))
    starts = {}
    for index, page in enumerate(reader.pages):
        annots = page.get("/Annots")
        if annots is None:
            continue
        kept = ArrayObject()
        for annot in annots.get_object():
            action = annot.get_object().get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if uri.startswith(MARKER):
                res_id = int(uri[len(MARKER) :])
                if res_id in starts:
                    raise ValueError(f"letter {res_id} marked twice")
                starts[res_id] = index
            else:
                kept.append(annot)
        page[NameObject("/Annots")] = kept
    first_pages = [starts.get(res_id) for res_id in ids]
    if (
        len(starts) != len(ids)
        or None in first_pages
        or first_pages[0] != 0
        or any(a >= b for a, b in itertools.pairwise(first_pages))
    ):
        raise ValueError(f"letters not found one after the other: {first_pages}")
    bounds = [*first_pages, len(reader.pages)]
    letters = {}
    for res_id, (start, end) in zip(ids, itertools.pairwise(bounds), strict=True):
        writer = PdfWriter()
        for page in reader.pages[start:end]:
            writer.add_page(page)
        stream = io.BytesIO()
        writer.write(stream)
        letters[res_id] = stream.getvalue()
    return letters
