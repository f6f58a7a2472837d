import base64
import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import AdvOrdersCommon


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
