import base64
import io
import zipfile
from datetime import date

import openpyxl

from odoo.tests import Form, tagged

from .common import AdvKpiCommon


@tagged("post_install", "-at_install")
class TestAdvKpiXlsx(AdvKpiCommon):
    def _workbook(self):
        content = self.env["adv.kpi.xlsx"].generate_workbook(
            "2025-03-01", "2025-03-31", company_ids=self.company.ids
        )
        return openpyxl.load_workbook(io.BytesIO(content))

    def test_summary_matches_compute_kpis(self):
        kpi = self.env["adv.kpi"]
        current = kpi.compute_kpis("2025-03-01", "2025-03-31", company_ids=self.company.ids)
        previous = kpi.compute_kpis("2025-02-01", "2025-02-28", company_ids=self.company.ids)
        workbook = self._workbook()
        self.assertEqual(len(workbook.worksheets), 9)
        summary = workbook.worksheets[0]
        rows = self.env["adv.kpi.xlsx"]._summary_rows()
        for index, (key, _label, _unit, _style) in enumerate(rows):
            row = 6 + index  # openpyxl counts from 1, the table starts on the 6th row
            for col, kpis in ((3, current), (4, previous)):
                expected = self.env["adv.kpi.xlsx"]._read(kpis, key)
                cell = summary.cell(row=row, column=col).value
                if expected is None:
                    self.assertEqual(cell, "No data", key)
                else:
                    self.assertAlmostEqual(cell, expected, msg=key)
        # The hand-computed figures of March are there.
        self.assertAlmostEqual(summary.cell(row=6, column=3).value, 2600 / 2900 * 31)
        self.assertAlmostEqual(summary.cell(row=12, column=3).value, 50.0)

    def test_trend_ageing_and_charts(self):
        workbook = self._workbook()
        dso = workbook.worksheets[1]
        # Twelve months, April 2024 to March 2025; March is the last row.
        self.assertEqual(dso.max_row, 13)
        self.assertEqual(dso.cell(row=13, column=1).value.date().isoformat(), "2025-03-01")
        self.assertAlmostEqual(dso.cell(row=13, column=2).value, 2600 / 2900 * 31)
        self.assertEqual(dso.cell(row=2, column=2).value, "No data")
        ageing = workbook.worksheets[3]
        # The parts of the catalogue's ageing: five buckets, overdue, total.
        self.assertEqual(
            [ageing.cell(row=row, column=2).value for row in range(2, 9)],
            [1600.0, 500.0, 500.0, 0.0, 0.0, 1000.0, 2600.0],
        )
        # Dispute rate by customer below the trend: A 1 of 2 invoices, B 1 of 1.
        disputes = workbook.worksheets[4]
        self.assertEqual(
            [
                [disputes.cell(row=row, column=col).value for col in (1, 2, 3)]
                for row in (16, 17, 18)
            ],
            [
                ["Customer", "Count", "Rate (%)"],
                [self.customer_a.name, 2, 50.0],
                [self.customer_b.name, 1, 100.0],
            ],
        )
        productivity = workbook.worksheets[7]
        self.assertEqual(
            sorted(productivity.cell(row=row, column=5).value for row in (2, 3)), [0, 2]
        )

    def test_charts_are_native(self):
        content = self.env["adv.kpi.xlsx"].generate_workbook(
            "2025-03-01", "2025-03-31", company_ids=self.company.ids
        )
        # openpyxl does not read charts back: look for the chart parts in the package.
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        self.assertEqual(len([n for n in names if n.startswith("xl/charts/chart")]), 8)

    def test_wizard_download(self):
        with Form(self.env["adv.kpi.export.wizard"]) as form:
            form.date_from = date(2025, 3, 1)
            form.date_to = date(2025, 3, 31)
        wizard = form.record
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(wizard.file_name.endswith(".xlsx"))
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data)))
        self.assertEqual(workbook.worksheets[0].cell(row=1, column=1).value, "ADV KPI pack")

    def test_names_are_written_as_text_not_formulas(self):
        """A customer named like a formula stays a string in the workbook."""
        names = {
            self.customer_a: "+33 1 23 45 67 89",
            self.customer_b: '=HYPERLINK("http://evil.example","Click")',
        }
        for partner, name in names.items():
            partner.name = name
        disputes = self._workbook().worksheets[4]
        cells = {
            cell.value: cell
            for row in disputes.iter_rows(min_col=1, max_col=1)
            for cell in row
            if cell.value in names.values()
        }
        self.assertEqual(set(cells), set(names.values()))
        for cell in cells.values():
            self.assertEqual(cell.data_type, "s", cell.value)
            self.assertIsNone(cell.hyperlink)
