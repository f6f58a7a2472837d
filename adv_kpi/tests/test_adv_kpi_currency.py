from datetime import date

from odoo import Command
from odoo.tests import tagged

from odoo.addons.adv_base.tools import with_server_flag

from .common import AdvKpiCommon


@tagged("post_install", "-at_install")
class TestAdvKpiCurrency(AdvKpiCommon):
    """Two companies in two currencies: every amount is converted to the currency of the
    current company at its rate of the period end, then added."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        code = "EUR" if cls.company.currency_id.name != "EUR" else "USD"
        # Rates of the current company: units of the other currency for one unit of its
        # own. The period end of March (03-31) reads 0.8, i.e. 1.25 for one unit; the end
        # of April reads 0.4 (2.5); the rate of 01-01 is never the period end's.
        cls.foreign = cls.setup_other_currency(
            code, rates=[("2025-01-01", 0.5), ("2025-03-31", 0.8), ("2025-04-15", 0.4)]
        )
        cls.other = cls.setup_other_company(
            name="Distribution Normandie", currency_id=cls.foreign.id
        )["company"]
        cls.env.user.company_ids = [Command.link(cls.other.id)]
        # The other company's own rate table (seen from it, the first company's
        # currency is worth 0.8 of its own at the end of March).
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.foreign.id,
                "name": "2025-03-31",
                "rate": 0.8,
                "company_id": cls.other.id,
            }
        )
        invoice = (
            cls.env["account.move"]
            .with_company(cls.other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customer_a.id,
                    "invoice_date": "2025-03-10",
                    "date": "2025-03-10",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Lot", "price_unit": 5000.0, "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
        )
        invoice.invoice_date_due = "2025-04-09"
        invoice.action_post()
        cls.foreign_invoice = invoice
        order = (
            cls.env["sale.order"]
            .with_company(cls.other)
            .create(
                {
                    "partner_id": cls.customer_b.id,
                    "company_id": cls.other.id,
                    "date_order": "2025-03-20 10:00:00",
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product_r.id,
                                "product_uom_qty": 4,
                                "price_unit": 250.0,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        order.date_order = "2025-03-20 10:00:00"
        cls.foreign_order = order

    def _kpis(self, date_from, date_to, company_ids=None):
        kpi = self.env["adv.kpi"].with_context(allowed_company_ids=[self.company.id, self.other.id])
        return kpi.compute_kpis(date_from, date_to, company_ids=company_ids)

    def test_documents_are_in_the_other_currency(self):
        self.assertEqual(self.foreign_invoice.company_currency_id, self.foreign)
        self.assertAlmostEqual(self.foreign_invoice.amount_total_signed, 5000.0)
        self.assertEqual(self.foreign_order.currency_id, self.foreign)

    def test_rates_of_the_period_end(self):
        kpi = self.env["adv.kpi"].with_context(allowed_company_ids=[self.company.id, self.other.id])
        companies = self.company | self.other
        self.assertEqual(
            kpi._kpi_currency_rates(companies, date(2025, 3, 31)),
            {self.company.id: 1, self.other.id: 1.25},
        )
        rates = kpi._kpi_currency_rates(companies, date(2025, 4, 30))
        self.assertAlmostEqual(rates[self.other.id], 2.5)

    def test_march_totals_are_the_hand_conversion(self):
        kpis = self._kpis("2025-03-01", "2025-03-31")
        foreign = 5000.0 * 1.25
        # The first company's March figures (see AdvKpiCommon) plus the converted invoice.
        self.assertAlmostEqual(kpis["revenue"], 2900.0 + foreign)
        self.assertAlmostEqual(kpis["credit_sales"], 2900.0 + foreign)
        self.assertAlmostEqual(kpis["receivable"], 2600.0 + foreign)
        self.assertAlmostEqual(kpis["ageing"]["not_due"], 1600.0 + foreign)
        self.assertAlmostEqual(kpis["ageing"]["total"], 2600.0 + foreign)
        self.assertAlmostEqual(kpis["ageing"]["overdue"], 1000.0)
        # Ratios on the converted amounts.
        self.assertAlmostEqual(kpis["dso"], (2600.0 + foreign) / (2900.0 + foreign) * 31)
        self.assertAlmostEqual(kpis["dso_countback"], (2600.0 + foreign) / (2900.0 + foreign) * 31)
        self.assertAlmostEqual(kpis["best_dso"], (1600.0 + foreign) / (2900.0 + foreign) * 31)
        base = 1500.0 + 2900.0 + foreign
        self.assertAlmostEqual(
            kpis["cei"], (base - 2600.0 - foreign) / (base - 1600.0 - foreign) * 100
        )
        # Order book: 4 x 250 not delivered in the other company.
        self.assertAlmostEqual(kpis["backlog"]["to_deliver"], 700.0 + 1000.0 * 1.25)
        self.assertAlmostEqual(kpis["backlog"]["to_invoice"], 2100.0)

    def test_april_uses_april_end_rate(self):
        kpis = self._kpis("2025-04-01", "2025-04-30")
        # First company at 04-30: 2600 + SO1's invoice 1000 - INV2 paid 500 = 3100.
        self.assertAlmostEqual(kpis["receivable"], 3100.0 + 5000.0 * 2.5)
        self.assertAlmostEqual(kpis["revenue"], 1000.0)

    def test_trends_convert_each_month_at_its_end_rate(self):
        kpi = self.env["adv.kpi"].with_context(allowed_company_ids=[self.company.id, self.other.id])
        trends = kpi._kpi_trend_values("2025-04-30")["values"]
        live = with_server_flag(kpi, "adv_kpi_live")._kpi_trend_values("2025-04-30")["values"]
        self.assertEqual(set(trends), set(live))
        for path, months in live.items():
            for index, expected in enumerate(months):
                if expected is None:
                    self.assertIsNone(trends[path][index], (path, index))
                else:
                    self.assertAlmostEqual(trends[path][index], expected, msg=(path, index))
        # March at the end of March's rate (1.25), April at April's (2.5).
        self.assertAlmostEqual(trends["revenue"][-2], 2900.0 + 5000.0 * 1.25)
        self.assertAlmostEqual(trends["revenue"][-1], 1000.0)
        self.assertAlmostEqual(trends["dso"][-2], (2600.0 + 6250.0) / (2900.0 + 6250.0) * 31)

    def test_other_company_alone(self):
        # Seen from the first company: converted; seen from its own: as it is.
        self.assertAlmostEqual(
            self._kpis("2025-03-01", "2025-03-31", company_ids=self.other.ids)["revenue"], 6250.0
        )
        own = (
            self.env["adv.kpi"]
            .with_context(allowed_company_ids=[self.other.id, self.company.id])
            .compute_kpis("2025-03-01", "2025-03-31", company_ids=self.other.ids)
        )
        self.assertAlmostEqual(own["revenue"], 5000.0)
        self.assertAlmostEqual(own["receivable"], 5000.0)
        # ... and the first company's amounts converted the other way: 2900 / 1.25.
        both = (
            self.env["adv.kpi"]
            .with_context(allowed_company_ids=[self.other.id, self.company.id])
            .compute_kpis("2025-03-01", "2025-03-31")
        )
        self.assertAlmostEqual(both["revenue"], 5000.0 + 2900.0 / 1.25)
