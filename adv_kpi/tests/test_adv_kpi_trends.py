import json
from datetime import date
from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from .common import AdvKpiCommon

TREND_PATHS = ["dso", "dispute_rate", "otif", "revenue", "backlog.total"]


@tagged("post_install", "-at_install")
class TestAdvKpiTrends(AdvKpiCommon):
    """The twelve-month trends of the dashboard: the numbers the catalogue flags
    ``trend``, month by month, as compute_kpis gives them."""

    def test_trend_months(self):
        periods = self.env["adv.kpi"]._kpi_trend_periods
        months = periods("2025-04-15")
        self.assertEqual(len(months), 12)
        self.assertEqual(months[0], (date(2024, 5, 1), date(2024, 5, 31)))
        self.assertEqual(months[9], (date(2025, 2, 1), date(2025, 2, 28)))
        # The last month runs to date_to.
        self.assertEqual(months[-1], (date(2025, 4, 1), date(2025, 4, 15)))
        for (_start, end), (next_start, _end) in zip(months, months[1:], strict=False):
            self.assertEqual((next_start - end).days, 1)
        # A leap February, a month ending on its last day, a year boundary.
        self.assertEqual(
            periods(date(2024, 3, 31), months=3),
            [
                (date(2024, 1, 1), date(2024, 1, 31)),
                (date(2024, 2, 1), date(2024, 2, 29)),
                (date(2024, 3, 1), date(2024, 3, 31)),
            ],
        )
        # The workbook's trend sheets use the same months.
        self.assertEqual(self.env["adv.kpi.xlsx"]._trend_periods(date(2025, 4, 15)), months)

    def test_trend_numbers_come_from_the_catalogue(self):
        kpi = self.env["adv.kpi"]
        paths = [number["path"] for number in kpi._kpi_catalogue_numbers() if number["trend"]]
        self.assertEqual(paths, TREND_PATHS)
        self.assertEqual(list(kpi._kpi_trend_values("2025-03-31", months=2)["values"]), paths)
        # Flagging another number in the catalogue (an override) gives it a trend.
        Kpi = type(kpi)
        catalogue = Kpi._kpi_catalogue

        def _kpi_catalogue(kpi):
            entries = catalogue(kpi)
            for entry in entries:
                if entry["key"] == "cei":
                    entry["trend"] = True
            return entries

        with patch.object(Kpi, "_kpi_catalogue", _kpi_catalogue):
            data = kpi.get_dashboard_data("2025-03-01", "2025-03-31")
        self.assertIn("cei", data["trends"]["values"])
        march = kpi.compute_kpis("2025-03-01", "2025-03-31")
        self.assertAlmostEqual(data["trends"]["values"]["cei"][-1], march["cei"])

    def test_trend_values_are_compute_kpis_of_each_month(self):
        # An invoice of June 2024, ten months before the period: a point of its own
        # (paid in July: the receivable of March is the same).
        june = self._kpi_invoice(self.customer_a, "2024-06-10", 300.0, "2024-07-10")
        self._kpi_pay(june, "2024-07-05", 300.0)
        kpi = self.env["adv.kpi"]
        trends = kpi._kpi_trend_values("2025-04-15")
        self.assertEqual(trends["months"][-1], {"date_from": "2025-04-01", "date_to": "2025-04-15"})
        self.assertEqual(trends["months"][1], {"date_from": "2024-06-01", "date_to": "2024-06-30"})
        values = trends["values"]
        # Revenue: June 2024 300, January 500 (INV2), February 1000 (INV1), March 2900,
        # April to the 15th 1000 (SO1's invoice); nothing in the other months.
        self.assertEqual(
            values["revenue"],
            [None, 300.0, None, None, None, None, None, None, 500.0, 1000.0, 2900.0, 1000.0],
        )
        # The order book at each month end: the orders are of March.
        self.assertEqual(values["backlog.total"][-2:], [2800.0, 1800.0])
        self.assertIsNone(values["backlog.total"][-3])
        self.assertAlmostEqual(values["dso"][-2], 2600 / 2900 * 31)
        self.assertAlmostEqual(values["dispute_rate"][-2], 200 / 3)
        self.assertAlmostEqual(values["otif"][-2], 50.0)
        # Every point is what compute_kpis gives for its month.
        for index, month in enumerate(trends["months"]):
            kpis = kpi.compute_kpis(month["date_from"], month["date_to"])
            for path in TREND_PATHS:
                expected = kpi._kpi_read_path(kpis, path)
                self.assertEqual(values[path][index], expected, (path, month))

    def test_dashboard_carries_the_trends(self):
        kpi = self.env["adv.kpi"]
        data = kpi.get_dashboard_data("2025-03-01", "2025-03-20")
        json.dumps(data["trends"])  # what the client receives
        months = data["trends"]["months"]
        self.assertEqual(len(months), 12)
        self.assertEqual(months[0]["date_from"], "2024-04-01")
        self.assertEqual(months[-1], {"date_from": "2025-03-01", "date_to": "2025-03-20"})
        # The month to date is the period of the cards: same numbers.
        for path in TREND_PATHS:
            self.assertEqual(
                data["trends"]["values"][path][-1],
                kpi._kpi_read_path(data["current"], path),
                path,
            )
        # INV3 2000 + INV4 600 - CN1 100 (INV5 is of the 28th).
        self.assertAlmostEqual(data["trends"]["values"]["revenue"][-1], 2500.0)

    def test_trends_leave_unreadable_numbers_empty(self):
        internal = new_test_user(
            self.env,
            login="adv_kpi_trend_internal",
            groups="base.group_user",
            company_id=self.company.id,
        )
        trends = self.env["adv.kpi"].with_user(internal)._kpi_trend_values("2025-03-31")
        for path in TREND_PATHS:
            self.assertEqual(trends["values"][path], [None] * 12, path)
        # The clerk reads the invoices and orders: he gets the numbers.
        trends = self.env["adv.kpi"].with_user(self.clerk)._kpi_trend_values("2025-03-31")
        self.assertAlmostEqual(trends["values"]["revenue"][-1], 2900.0)
