import io
import json
from unittest.mock import patch

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.adv_kpi.models.adv_kpi import KPI_LAYOUTS, KPI_UNITS

from .common import AdvKpiCommon


@tagged("post_install", "-at_install")
class TestAdvKpiCatalogue(AdvKpiCommon):
    """The catalogue is the one list of the KPIs: compute_kpis, the dashboard, the
    workbook and the analyses read it."""

    def test_catalogue_keys_are_compute_kpis_keys(self):
        kpi = self.env["adv.kpi"]
        catalogue = kpi._kpi_catalogue()
        keys = [entry["key"] for entry in catalogue]
        self.assertEqual(len(keys), len(set(keys)), "a KPI is listed twice")
        result = kpi.compute_kpis("2025-03-01", "2025-03-31", company_ids=self.company.ids)
        self.assertEqual(set(keys), set(result) - {"date_from", "date_to"})
        # Every key is documented in compute_kpis' docstring.
        for key in keys:
            self.assertIn(f"``{key}``", type(kpi).compute_kpis.__doc__, key)
        for entry in catalogue:
            key, value = entry["key"], result[entry["key"]]
            self.assertIn(entry["unit"], KPI_UNITS, key)
            self.assertIn(entry["layout"], KPI_LAYOUTS, key)
            self.assertIn(entry["better"], ("up", "down", False), key)
            self.assertTrue(entry["label"] and entry["help"], key)
            if entry["layout"] in ("parts", "buckets"):
                self.assertEqual({part["key"] for part in entry["parts"]}, set(value), key)
            elif entry["layout"] == "rows":
                for row in value:
                    self.assertLessEqual({column["key"] for column in entry["columns"]}, set(row))
            else:
                self.assertTrue(value is None or isinstance(value, float), key)
            if entry["rate"]:
                report = self.env[entry["rate"]["model"]]
                for field in (
                    entry["date_field"],
                    entry["rate"]["count_field"],
                    entry["rate"]["rate_field"],
                    *entry["rate"]["breakdowns"],
                ):
                    self.assertIn(field, report._fields, key)

    def test_every_analysis_action_exists(self):
        kpi = self.env["adv.kpi"]
        for entry in kpi._kpi_catalogue():
            action = self.env.ref(entry["action"])
            self.assertEqual(action._name, "ir.actions.act_window", entry["key"])
            if entry["date_field"]:
                self.assertIn(entry["date_field"], self.env[action.res_model]._fields)
            opened = kpi.action_open_analysis(entry["key"], "2025-03-01", "2025-03-31")
            self.assertEqual(opened["res_model"], action.res_model)
            if entry["date_field"]:
                self.assertIn((entry["date_field"], "<=", "2025-03-31"), opened["domain"])
            else:
                self.assertEqual(opened["context"], {"adv_kpi_date": "2025-03-31"})

    def test_unknown_kpi_is_refused(self):
        kpi = self.env["adv.kpi"]
        with self.assertRaises(UserError):
            kpi.action_open_analysis("nope", "2025-03-01", "2025-03-31")
        with self.assertRaises(UserError):
            kpi.compute_breakdown("dso", "partner_id", "2025-03-01", "2025-03-31")

    def test_dashboard_reads_the_catalogue(self):
        kpi = self.env["adv.kpi"]
        data = kpi.get_dashboard_data("2025-03-01", "2025-03-31")
        self.assertEqual(data["catalogue"], kpi._kpi_catalogue())
        json.dumps(data["catalogue"])  # what the client receives
        numbers = kpi._kpi_catalogue_numbers()
        cards = [number["path"] for number in numbers if number["card"]]
        self.assertIn("dso", cards)
        self.assertIn("ageing.overdue", cards)
        self.assertIn("backlog.to_deliver", cards)
        self.assertNotIn("receivable", cards)
        # Overdue = total - not due: 2600 - 1600.
        self.assertAlmostEqual(data["current"]["ageing"]["overdue"], 1000.0)

    def test_workbook_summary_is_the_catalogue(self):
        rows = self.env["adv.kpi.xlsx"]._summary_rows()
        expected = [
            number["path"]
            for number in self.env["adv.kpi"]._kpi_catalogue_numbers()
            if number["summary"]
        ]
        self.assertEqual([row[0] for row in rows], expected)
        currency = self.env.company.currency_id.name
        units = {row[0]: row[2] for row in rows}
        self.assertEqual(units["revenue"], currency)
        self.assertEqual(units["dso"], "days")

    def test_a_kpi_added_by_override_shows_everywhere(self):
        """An integrator adds a KPI to the catalogue and its value to compute_kpis: the
        dashboard data, the workbook's summary and a trend sheet show it, no other
        code."""
        Kpi = type(self.env["adv.kpi"])
        catalogue, compute = Kpi._kpi_catalogue, Kpi.compute_kpis

        def _kpi_catalogue(kpi):
            return catalogue(kpi) + [
                kpi._kpi_catalogue_entry(
                    "late_orders",
                    "Late orders",
                    "count",
                    "down",
                    "adv_kpi.action_adv_kpi_otif_report",
                    date_field="date_promised",
                    help_text="Orders past their promised date",
                    card=True,
                    summary=True,
                    sheet="late_orders",
                )
            ]

        def compute_kpis(kpi, *args, **kwargs):
            return dict(compute(kpi, *args, **kwargs), late_orders=3.0)

        with (
            patch.object(Kpi, "_kpi_catalogue", _kpi_catalogue),
            patch.object(Kpi, "compute_kpis", compute_kpis),
        ):
            data = self.env["adv.kpi"].get_dashboard_data("2025-03-01", "2025-03-31")
            self.assertEqual(data["catalogue"][-1]["key"], "late_orders")
            self.assertEqual(data["current"]["late_orders"], 3.0)
            content = self.env["adv.kpi.xlsx"].generate_workbook(
                "2025-03-01", "2025-03-31", company_ids=self.company.ids
            )
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(workbook.sheetnames[-1], "Late orders")
        summary = workbook.worksheets[0]
        rows = {
            summary.cell(row=row, column=1).value: summary.cell(row=row, column=3).value
            for row in range(6, summary.max_row + 1)
        }
        self.assertEqual(rows["Late orders"], 3)
        with self.assertRaises(UserError):
            self.env["adv.kpi"]._kpi_catalogue_entry("bad", "Bad", "euros", "up", "x")
