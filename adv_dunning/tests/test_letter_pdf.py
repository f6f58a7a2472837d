import base64
import io
import os
import subprocess
import tempfile
from unittest.mock import patch

from PIL import Image

from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

from ..models import (
    adv_dunning_communication as communication_module,
    letter_pdf,
)
from .common import RUN_DATE, AdvDunningCommon


def _document(body):
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'/></head><body>{body}</body></html>"


def _pages(pdf):
    return PdfFileReader(io.BytesIO(pdf)).pages


def _text(page):
    return " ".join(page.extract_text().split())


def _uris(page):
    annots = page.get("/Annots")
    annots = annots.get_object() if annots is not None else []
    return [str(a.get_object()["/A"].get_object().get("/URI", "")) for a in annots]


@tagged("post_install", "-at_install")
class TestLetterPdf(AdvDunningCommon, HttpCase):
    """Several letters in one wkhtmltopdf call with any wkhtmltopdf build: one HTML
    document split back at the markers, page for page as each letter rendered alone.

    An HttpCase: wkhtmltopdf fetches the letters' styles from the test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.engine = _get_wkhtmltopdf_bin()
        except OSError:
            cls.engine = None
        cls.bodies = [
            _document("<h1>Lettre A</h1><p><a href='https://example.com/a'>facture</a></p>"),
            _document("<h1>Lettre B</h1>" + "<p>Ligne de facture</p>" * 150),
            _document("<h1>Lettre C</h1>"),
        ]

    def setUp(self):
        super().setUp()
        if not self.engine:
            self.skipTest("wkhtmltopdf is not installed")

    def _pdf(self, html):
        with tempfile.TemporaryDirectory() as tmp:
            source, target = os.path.join(tmp, "in.html"), os.path.join(tmp, "out.pdf")
            with open(source, "w", encoding="utf-8") as f:
                f.write(html)
            command = [self.engine, "--quiet", source, target]
            subprocess.run(command, capture_output=True, check=False)
            with open(target, "rb") as f:
                return f.read()

    def test_merged_letters_split_back_as_rendered_alone(self):
        ids = [7, 3, 12]
        letters = letter_pdf.split_by_markers(
            self._pdf(letter_pdf.merge_bodies(self.bodies, ids)), ids
        )
        self.assertEqual(list(letters), ids)
        for res_id, body, name in zip(ids, self.bodies, "ABC", strict=True):
            pages = _pages(letters[res_id])
            self.assertEqual(len(pages), len(_pages(self._pdf(body))), name)
            self.assertIn(f"Lettre {name}", _text(pages[0]))
            self.assertFalse(
                [uri for page in pages for uri in _uris(page) if uri.startswith(letter_pdf.MARKER)],
                "the markers are removed",
            )
        self.assertGreater(len(_pages(letters[3])), 1, "a letter of several pages")
        self.assertEqual(_uris(_pages(letters[7])[0]), ["https://example.com/a"], "links kept")

    def test_letters_not_found_in_order_are_refused(self):
        pdf = self._pdf(letter_pdf.merge_bodies(self.bodies[:2], [1, 2]))
        for ids in ([1, 2, 3], [2, 1], [1], [1, 5]):
            with self.subTest(ids=ids), self.assertRaises(ValueError):
                letter_pdf.split_by_markers(pdf, ids)
        with self.assertRaises(ValueError):
            letter_pdf.split_by_markers(self._pdf(self.bodies[0]), [1])
        with self.assertRaises(ValueError):
            letter_pdf.merge_bodies(self.bodies, [1, 2])

    def test_reminder_letters_in_one_call_as_one_by_one(self):
        customers = [self._create_customer(f"Client{n} SARL") for n in range(3)]
        for n, customer in enumerate(customers):
            for days in range(n + 1):
                self._invoice(customer, 100.0 + days, 20 + days)
        run = self.env["adv.dunning.run"].create({"date": RUN_DATE, "company_id": self.company.id})
        run.action_preview()
        comms = run.communication_ids.with_context(force_report_rendering=True)
        self.assertEqual(len(comms), 3)
        report = self.env.ref("adv_dunning.action_report_adv_dunning_letter")
        letters = comms._render_letters_in_one(report)
        rendered, errors = comms._render_letters()
        self.assertFalse(errors)
        self.assertEqual(set(rendered), set(comms.ids))
        # in groups (of 2 here): the group of one left is rendered alone
        with patch.object(communication_module, "LETTERS_PER_CALL", 2):
            grouped, errors = comms._render_letters()
        self.assertFalse(errors)
        self.assertEqual(set(grouped), set(comms.ids))
        reports = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        for comm in comms:
            alone = reports._render_qweb_pdf(report.report_name, comm.ids)[0]
            for pdf in (letters[comm.id], rendered[comm.id], grouped[comm.id]):
                self.assertTrue(pdf.startswith(b"%PDF"))
                self.assertEqual(len(_pages(pdf)), len(_pages(alone)))
                # every page: the invoices' table may start on the second one (with
                # adv_disputes, each invoice has two links and two QR codes)
                text = " ".join(_text(page) for page in _pages(pdf))
                self.assertEqual(text, " ".join(_text(page) for page in _pages(alone)))
                # the right letter for each reminder: the addresses of its own invoices
                # (the text wkhtmltopdf lets out of its fonts)
                for move in comm.line_ids.move_id:
                    self.assertIn(f"/my/invoices/{move.id}?", text, comm.partner_id.name)

    def test_qr_codes_are_about_300_dpi(self):
        """wkhtmltopdf stores each image as a JPEG at its own size: a QR code of 490 px
        for 22 mm weighed 57 kB, two per invoice of the letter."""
        communication = self.env["adv.dunning.communication"]
        for url in (
            "https://example.com/my/invoices/1",
            "https://www.example.com/my/invoices/123456/dispute?access_token="
            "4bff67e0-dfd0-471c-9165-2ed9c8e1f0a2",
        ):
            src = communication._get_qr_code_src(url)
            image = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
            self.assertEqual(image.width, image.height)
            self.assertTrue(200 <= image.width <= 330, (url, image.width))
