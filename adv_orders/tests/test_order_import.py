import base64
import io
import re
import zipfile
from unittest.mock import patch

import openpyxl

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.adv_orders.wizards import adv_order_import_wizard

from .common import AdvOrdersCommon


def _xlsx(rows, dimension=None, replace=()):
    """Return an XLSX file of the rows, its sheet's XML edited as another tool writes it.

    dimension overrides the range the sheet declares; replace is a list of (old, new) bytes.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    if not dimension and not replace:
        return stream.getvalue()
    patched = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(stream.getvalue())) as source,
        zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                if dimension:
                    data = re.sub(
                        rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' % dimension, data
                    )
                for old, new in replace:
                    assert old in data
                    data = data.replace(old, new)
            target.writestr(info, data)
    return patched.getvalue()


@tagged("post_install", "-at_install")
class TestOrderImport(AdvOrdersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._rule("price_below_pricelist")

    def _import(self, content, file_name="commande.csv", order=None):
        order = order or self._order(lines=[])
        if isinstance(content, str):
            content = content.encode()
        # What the user uploads in the wizard opened from the quotation.
        wizard = (
            self.env["adv.order.import.wizard"]
            .with_user(self.clerk)
            .with_context(default_order_id=order.id)
            .create({"file_data": base64.b64encode(content), "file_name": file_name})
        )
        self.assertEqual(wizard.order_id, order)
        wizard.action_import()
        return order

    def assertRefused(self, content, *fragments, file_name="commande.csv"):
        order = self._order(lines=[])
        with self.assertRaises(UserError) as caught:
            self._import(content, file_name, order)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))
        self.assertFalse(order.order_line, "nothing is written when the file is refused")
        self.assertFalse(order.client_order_ref)

    def test_import_csv_fills_and_checks_the_quotation(self):
        order = self._import(
            "Référence;Quantité;Prix unitaire;Date souhaitée;Référence client\n"
            "TST-FAR-25;10;8,00;15/12/2026;BC-778\n"
            "2000000000015;2;;20/12/2026;BC-778\n"
            ";;;;\n"
            "TST-LEV-500;1 000;;;\n"
        )
        self.assertEqual(len(order.order_line), 3)
        first, by_barcode, yeast = order.order_line
        self.assertEqual(
            (first.product_id, first.product_uom_qty, first.price_unit), (self.product, 10, 8.0)
        )
        self.assertEqual(by_barcode.product_id, self.product)
        self.assertEqual(by_barcode.price_unit, 10.0, "no price: the pricelist applies")
        self.assertEqual(yeast.product_uom_qty, 1000)
        self.assertEqual(order.client_order_ref, "BC-778")
        self.assertEqual(str(order.commitment_date.date()), "2026-12-15")
        self.assertEqual(order.adv_conformity_state, "blocked", "8.00 is 20% under 10.00")

    def test_import_xlsx(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Product reference", "Quantity", "Unit price"])
        sheet.append(["TST-FAR-25", 4, 10.0])
        sheet.append(["TST-LEV-500", 2.5, None])
        stream = io.BytesIO()
        workbook.save(stream)
        order = self._import(stream.getvalue(), "order.xlsx")
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [4.0, 2.5])
        self.assertEqual(order.adv_conformity_state, "conform")

    def test_unknown_reference_names_the_row(self):
        self.assertRefused(
            "reference,quantity\nTST-FAR-25,1\nXXX-999,2\n",
            'Row 3, column reference: unknown product reference or barcode "XXX-999"',
        )

    def test_row_numbers_count_blank_rows(self):
        # The row number is the one the customer sees in the spreadsheet.
        self.assertRefused(
            "reference;quantity\n;\nTST-FAR-25;1\n\nXXX-999;2\n",
            'Row 5, column reference: unknown product reference or barcode "XXX-999"',
        )
        self.assertRefused(
            _xlsx([["reference", "quantity"], [None, None], ["TST-FAR-25", "dix"]]),
            'Row 3, column quantity: "dix" is not a number',
            file_name="o.xlsx",
        )

    def test_bad_number_and_date(self):
        self.assertRefused(
            "reference;quantity;unit price;requested date\n"
            "TST-FAR-25;dix;1;01/01/2027\n"
            "TST-FAR-25;-1;abc;31/02/2027\n",
            'Row 2, column quantity: "dix" is not a number',
            "Row 3, column quantity: the quantity must be positive",
            'Row 3, column unit price: "abc" is not a number',
            'Row 3, column requested date: "31/02/2027" is not a date',
        )

    def test_empty_file(self):
        self.assertRefused("", "The file is empty")
        self.assertRefused("reference;quantity\n;\n", "The file is empty")

    def test_wrong_columns(self):
        self.assertRefused("reference;colour\nTST-FAR-25;blue\n", 'unknown column "colour"')
        self.assertRefused("reference\nTST-FAR-25\n", "Row 1: the file has no quantity column")

    def test_encoding(self):
        content = "reference;quantity\nTST-FAR-25;1\nTST-LEV-500;2 # levure fraîche\n".encode(
            "latin-1"
        )
        self.assertRefused(content, "Row 3: the file is not encoded in UTF-8")

    def test_bad_spreadsheet(self):
        self.assertRefused(b"PK\x03\x04garbage", "not a valid XLSX", file_name="order.xlsx")

    def test_one_order_per_file(self):
        self.assertRefused(
            "reference;quantity;customer reference\nTST-FAR-25;1;BC-1\nTST-LEV-500;1;BC-2\n",
            "Row 3, column customer reference: customer reference BC-2 differs from BC-1",
        )

    def test_confirmed_order_refused(self):
        order = self._order()
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "only be imported into a quotation"):
            self._import("reference;quantity\nTST-FAR-25;1\n", order=order)

    # ------------------------------------------------------------------
    # Hardening: numbers, limits, streams, references, duplicates
    # ------------------------------------------------------------------

    def test_non_finite_and_huge_numbers_are_row_errors(self):
        self.assertRefused(
            "reference;quantity;unit price\n"
            "TST-FAR-25;nan;1\n"
            "TST-FAR-25;inf;-inf\n"
            "TST-FAR-25;1e999;Infinity\n"
            "TST-FAR-25;1e12;NaN\n"
            "TST-FAR-25;-3;2000000000\n",
            'Row 2, column quantity: "nan" is not a number',
            'Row 3, column quantity: "inf" is not a number',
            'Row 3, column unit price: "-inf" is not a number',
            'Row 4, column quantity: "1e999" is not a number',
            'Row 4, column unit price: "Infinity" is not a number',
            'Row 5, column quantity: "1e12" is too large',
            'Row 5, column unit price: "NaN" is not a number',
            "Row 6, column quantity: the quantity must be positive",
            'Row 6, column unit price: "2000000000" is too large',
        )

    def test_file_over_the_size_limit_is_refused(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "adv_orders.import_max_bytes", str(1024 * 1024)
        )
        # A good file padded with blank rows to 1.1 MB.
        content = "reference;quantity\n" + "TST-FAR-25;1\n" * 10 + ";\n" * 550_000
        self.assertRefused(content, "larger than 1 MB")

    def test_line_limit_stops_reading(self):
        # The text after the 2,001st line is never parsed: its overlong cell would be an error.
        content = "reference;quantity\n" + "TST-FAR-25;1\n" * 2001 + "x" * 200_000 + ";1\n"
        self.assertRefused(content, "more than 2000 order lines")

    def test_company_line_limit(self):
        self.company.adv_import_max_lines = 5
        header = "reference;quantity\n"
        self.assertRefused(header + "TST-FAR-25;1\n" * 6, "more than 5 order lines")
        # Blank rows are not order lines.
        order = self._import(header + "TST-FAR-25;1\n;\n" * 5)
        self.assertEqual(len(order.order_line), 5)
        with self.assertRaises(ValidationError):
            self.company.adv_import_max_lines = 0

    def test_xlsx_line_limit_and_declared_range(self):
        self.company.adv_import_max_lines = 5
        rows = [["reference", "quantity"]] + [["TST-FAR-25", 1]] * 6
        self.assertRefused(
            _xlsx(rows, dimension=b"A1:Z1048576"), "more than 5 order lines", file_name="o.xlsx"
        )
        self.assertRefused(_xlsx(rows * 400), "more than 5 order lines", file_name="o.xlsx")
        # A sheet that claims every row and column of Excel is read by its real cells.
        order = self._import(_xlsx(rows[:3], dimension=b"A1:XFD1048576"), "o.xlsx")
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [1.0, 1.0])

    def test_xlsx_unpacked_size_limit(self):
        rows = [["reference", "quantity", "customer reference"], ["TST-FAR-25", 1, "BC-1"]]
        # 2 MB of zeros that compress to a few kilobytes: a small zip bomb.
        stream = io.BytesIO(_xlsx(rows))
        with zipfile.ZipFile(stream, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/media/image1.bin", bytes(2 * 1024 * 1024))
        bomb = stream.getvalue()
        self.assertLess(len(bomb), 100_000)
        with patch.object(adv_order_import_wizard, "MAX_XLSX_UNPACKED_BYTES", 1024 * 1024):
            self.assertRefused(bomb, "more than 1 MB once uncompressed", file_name="o.xlsx")
            order = self._import(_xlsx(rows), "o.xlsx")
        self.assertEqual(order.client_order_ref, "BC-1")

    def test_csv_nul_bytes_and_overlong_field(self):
        self.assertRefused(
            "reference;quantity\nTST-FAR-25\x00;1\n", "Row 2: the file contains NUL characters"
        )
        self.assertRefused(
            "reference;quantity\n" + "A" * 200_000 + ";1\n",
            "Row 2: a cell is longer than 1000 characters",
        )

    def test_leading_zero_barcode_csv(self):
        self.product_2.barcode = "0012345678905"
        order = self._import("barcode;quantity;customer reference\n0012345678905;3;00778\n")
        self.assertEqual(order.order_line.product_id, self.product_2)
        self.assertEqual(order.client_order_ref, "00778")

    def test_xlsx_number_cells_read_as_references(self):
        self.product_2.default_code = "12345"
        # Number cells as some tools write them ("12345.0"), which openpyxl reads as floats.
        content = _xlsx(
            [["Product reference", "Quantity", "Customer reference"], [12345, 2, 778]],
            replace=[(b"<v>12345</v>", b"<v>12345.0</v>"), (b"<v>778</v>", b"<v>7.78E2</v>")],
        )
        order = self._import(content, "order.xlsx")
        self.assertEqual(order.order_line.product_id, self.product_2)
        self.assertEqual(order.client_order_ref, "778")

    def test_duplicate_lines_ask_before_import(self):
        order = self._order()  # 5 x TST-FAR-25
        wizard = (
            self.env["adv.order.import.wizard"]
            .with_user(self.clerk)
            .with_context(default_order_id=order.id)
            .create(
                {
                    "file_data": base64.b64encode(
                        b"reference;quantity\nTST-FAR-25;5,000\nTST-LEV-500;2\n"
                    ),
                    "file_name": "commande.csv",
                }
            )
        )
        action = wizard.action_import()
        self.assertEqual(
            (action["res_model"], action["res_id"], action["target"]),
            ("adv.order.import.wizard", wizard.id, "new"),
        )
        self.assertIn("Row 2: [TST-FAR-25] Farine T55 25 kg, quantity 5", wizard.duplicate_warning)
        self.assertNotIn("Row 3", wizard.duplicate_warning)
        self.assertEqual(len(order.order_line), 1, "nothing is written before the answer")

        self.assertEqual(wizard.action_import_again()["type"], "ir.actions.act_window_close")
        self.assertTrue(wizard.confirm_duplicates)
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [5.0, 5.0, 2.0])
