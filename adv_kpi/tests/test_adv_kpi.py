import logging
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import AdvKpiCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestAdvKpi(AdvKpiCommon):
    def _march(self, **kwargs):
        return self.env["adv.kpi"].compute_kpis(
            "2025-03-01", "2025-03-31", company_ids=self.company.ids, **kwargs
        )

    def test_receivable_kpis(self):
        kpis = self._march()
        # Opening receivable (before 03-01): INV1 1000 + INV2 500 = 1500.
        # Credit sales of March: INV3 2000 + INV4 600 - CN1 100 + INV5 400 = 2900.
        self.assertAlmostEqual(kpis["credit_sales"], 2900.0)
        # Closing receivable: 1500 + 2900 - paid in March (1000 + 800) = 2600
        # (INV2's payment of 04-10 is after the period end).
        self.assertAlmostEqual(kpis["receivable"], 2600.0)
        # DSO = 2600 / 2900 x 31 days = 27.7931 days
        self.assertAlmostEqual(kpis["dso"], 2600 / 2900 * 31)
        # Not due at 03-31: INV3 open 1200 (due 04-04) + INV5 400 (due 04-27) = 1600
        # best DSO = 1600 / 2900 x 31 = 17.1034; ADD = 1000 / 2900 x 31 = 10.6897
        self.assertAlmostEqual(kpis["best_dso"], 1600 / 2900 * 31)
        self.assertAlmostEqual(kpis["add"], 1000 / 2900 * 31)
        # CEI = (1500 + 2900 - 2600) / (1500 + 2900 - 1600) x 100 = 64.2857 %
        self.assertAlmostEqual(kpis["cei"], 1800 / 2800 * 100)
        # Countback: the March sales (2900) cover the 2600 receivable:
        # 2600 / 2900 x 31 days, the same as the simple method here.
        self.assertAlmostEqual(kpis["dso_countback"], 2600 / 2900 * 31)

    def test_ageing(self):
        ageing = self._march()["ageing"]
        # INV2 500 due 02-14: 45 days late; INV4 600 due 03-20: 11 days; CN1 -100 due
        # 03-15: 16 days; INV3 1200 and INV5 400 not due.
        self.assertAlmostEqual(ageing["not_due"], 1600.0)
        self.assertAlmostEqual(ageing["1_30"], 500.0)
        self.assertAlmostEqual(ageing["31_60"], 500.0)
        self.assertAlmostEqual(ageing["61_90"], 0.0)
        self.assertAlmostEqual(ageing["over_90"], 0.0)
        self.assertAlmostEqual(ageing["total"], 2600.0)
        # The ageing analysis taken at the same date gives the same buckets.
        report = self.env["adv.kpi.ageing.report"].with_context(adv_kpi_date="2025-03-31")
        groups = dict(
            report._read_group(
                [("company_id", "=", self.company.id)],
                ["bucket"],
                ["amount_residual:sum"],
            )
        )
        self.assertEqual(groups, {"not_due": 1600.0, "1_30": 500.0, "31_60": 500.0})

    def test_ageing_analysis_and_kpis_read_one_receivable(self):
        """The analysis and the KPIs read the receivable from one builder: at any date the
        buckets of one are the other's, and after the last payment each item's open
        amount is Odoo's own residual."""
        report = self.env["adv.kpi.ageing.report"]
        for as_of in ("2025-02-20", "2025-03-15", "2025-03-31", "2025-04-30"):
            ageing = self.env["adv.kpi"].compute_kpis(
                "2025-02-01", as_of, company_ids=self.company.ids
            )["ageing"]
            groups = dict(
                report.with_context(adv_kpi_date=as_of)._read_group(
                    [("company_id", "=", self.company.id)], ["bucket"], ["amount_residual:sum"]
                )
            )
            for bucket in ("not_due", "1_30", "31_60", "61_90", "over_90"):
                self.assertAlmostEqual(ageing[bucket], groups.get(bucket, 0.0), msg=as_of)
        rows = report.with_context(adv_kpi_date="2025-12-31").search(
            [("company_id", "=", self.company.id)]
        )
        items = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("amount_residual", "!=", 0),
            ]
        )
        self.assertEqual(sorted(rows.ids), sorted(items.ids))
        for row in rows:
            item = self.env["account.move.line"].browse(row.id)
            self.assertAlmostEqual(row.amount_residual, item.amount_residual)

    def test_dso_countback_walks_back(self):
        kpis = self.env["adv.kpi"].compute_kpis(
            "2025-03-01", "2025-03-15", company_ids=self.company.ids
        )
        # Receivable at 03-15: 1500 + 2000 + 600 - 100 = 4000, nothing paid yet.
        # Simple DSO = 4000 / 2500 x 15 days = 24 days.
        self.assertAlmostEqual(kpis["dso"], 24.0)
        # Countback: March 1-15 sales 2500 (15 days) -> 1500 left; February 1000
        # (28 days) -> 500 left; January 500 covers it: 31 days. 15 + 28 + 31 = 74 days.
        self.assertAlmostEqual(kpis["dso_countback"], 74.0)

    def test_dispute_rate(self):
        # Invoices issued in March: INV3, INV4, INV5. INV3 has an open dispute, INV4 a
        # credit note (and a resolved dispute), INV5 only a rejected dispute: 2 / 3.
        self.assertAlmostEqual(self._march()["dispute_rate"], 200 / 3)
        # By customer: A 1 of 2 (INV3, INV5), B 1 of 1 (INV4).
        groups = dict(
            self.env["adv.kpi.dispute.report"]._read_group(
                [("date", ">=", "2025-03-01"), ("date", "<=", "2025-03-31")],
                ["partner_id"],
                ["dispute_rate:avg"],
            )
        )
        self.assertEqual(groups, {self.customer_a: 50.0, self.customer_b: 100.0})

    def test_breakdowns(self):
        breakdown = self.env["adv.kpi"].compute_breakdown
        # INV3 and INV4 have a "price error" dispute; INV5's was rejected: no reason.
        self.assertEqual(
            breakdown("dispute_rate", "reason", "2025-03-01", "2025-03-31", self.company.ids),
            [
                {"label": "Price error", "count": 2, "rate": 100.0},
                {"label": "Undefined", "count": 1, "rate": 0.0},
            ],
        )
        # OTIF by customer: A 2 of 3 lines (SO1, SO3/P on time; SO3/Q not), B 0 of 1.
        rows = breakdown("otif", "partner_id", "2025-03-01", "2025-03-31", self.company.ids)
        self.assertEqual([row["count"] for row in rows], [3, 1])
        self.assertAlmostEqual(rows[0]["rate"], 200 / 3)
        self.assertEqual(rows[1], {"label": self.customer_b.name, "count": 1, "rate": 0.0})
        self.assertIsNone(breakdown("otif", "partner_id", "2010-01-01", "2010-01-31"))

    def test_invalid_period(self):
        with self.assertRaises(UserError):
            self.env["adv.kpi"].compute_kpis("2025-03-31", "2025-03-01")

    def test_otif_and_cycle(self):
        kpis = self._march()
        # Lines due in March: SO1 (on time), SO2 (4 late), SO3/P (on time), SO3/Q
        # (never delivered): 2 / 4 = 50 %. SO4 is promised in April.
        self.assertAlmostEqual(kpis["otif"], 50.0)
        # Fully delivered in March: SO1 in 5 days, SO2 in 19 days -> 12 days.
        self.assertAlmostEqual(kpis["order_cycle_days"], 12.0)
        self.assertIsNone(kpis["invoice_cycle_days"])
        april = self.env["adv.kpi"].compute_kpis(
            "2025-04-01", "2025-04-30", company_ids=self.company.ids
        )
        # SO1 confirmed 03-03, first invoice 04-02: 30 days.
        self.assertAlmostEqual(april["invoice_cycle_days"], 30.0)
        # By product: P 2 of 3 lines, Q 0 of 1.
        groups = dict(
            self.env["adv.kpi.otif.report"]._read_group(
                [("date_promised", ">=", "2025-03-01"), ("date_promised", "<=", "2025-03-31")],
                ["product_id"],
                ["otif_rate:avg"],
            )
        )
        self.assertAlmostEqual(groups[self.product_p], 200 / 3)
        self.assertEqual(groups[self.product_q], 0.0)

    def test_return_is_not_a_delivery(self):
        """Goods returned in April (a dispute's return) do not make SO1 delivered in April:
        its delivery cycle stays the one of March."""
        delivery = self.so1.picking_ids.filtered(lambda p: p.state == "done")
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=delivery.id, active_model="stock.picking")
            .create({"picking_id": delivery.id})
        )
        wizard.product_return_moves.quantity = 2
        with freeze_time("2025-04-10 10:00"):
            returned = wizard._create_return()
            returned.move_ids.picked = True
            returned.button_validate()
        self.assertEqual(returned.state, "done")
        self.assertEqual(self.so1.picking_ids.move_ids.origin_returned_move_id, delivery.move_ids)
        cycle = self.env["adv.kpi.cycle.report"].search([("order_id", "=", self.so1.id)])
        self.assertEqual(cycle.date_delivered, date(2025, 3, 8))
        self.assertAlmostEqual(self._march()["order_cycle_days"], 12.0)
        april = self.env["adv.kpi"].compute_kpis(
            "2025-04-01", "2025-04-30", company_ids=self.company.ids
        )
        self.assertIsNone(april["order_cycle_days"])

    def test_revenue_and_backlog(self):
        kpis = self._march()
        # Net revenue of March: 2000 + 600 + 400 - 100.
        self.assertAlmostEqual(kpis["revenue"], 2900.0)
        # At 03-31: not delivered SO3/Q 2 x 50 + SO4 3 x 200 = 700; delivered not
        # invoiced SO1 1000 + SO2 600 + SO3/P 500 = 2100.
        self.assertEqual(
            kpis["backlog"], {"to_deliver": 700.0, "to_invoice": 2100.0, "total": 2800.0}
        )
        april = self.env["adv.kpi"].compute_kpis(
            "2025-04-01", "2025-04-30", company_ids=self.company.ids
        )
        # SO1 invoiced on 04-02: 1000 less to invoice; April revenue is that invoice.
        self.assertEqual(
            april["backlog"], {"to_deliver": 700.0, "to_invoice": 1100.0, "total": 1800.0}
        )
        self.assertAlmostEqual(april["revenue"], 1000.0)

    def test_productivity(self):
        rows = {row["user_id"]: row for row in self._march()["productivity"]}
        me = self.env.user.id
        # The test user entered the 4 orders, INV3, INV4 and CN1; the clerk entered INV5
        # and closed 2 disputes (the open one does not count yet).
        self.assertEqual(
            {k: rows[me][k] for k in ("orders", "invoices", "credit_notes", "disputes")},
            {"orders": 4, "invoices": 2, "credit_notes": 1, "disputes": 0},
        )
        self.assertEqual(
            {k: rows[self.clerk.id][k] for k in ("orders", "invoices", "credit_notes", "disputes")},
            {"orders": 0, "invoices": 1, "credit_notes": 0, "disputes": 2},
        )

    def test_partner_filter(self):
        kpis = self._march(partner_ids=self.customer_b.ids)
        # Customer B: opening 500, March sales 600 - 100 = 500, closing 1000.
        self.assertAlmostEqual(kpis["credit_sales"], 500.0)
        self.assertAlmostEqual(kpis["receivable"], 1000.0)
        self.assertAlmostEqual(kpis["dso"], 1000 / 500 * 31)
        self.assertAlmostEqual(kpis["dispute_rate"], 100.0)

    def test_empty_period(self):
        kpis = self.env["adv.kpi"].compute_kpis(
            "2010-01-01", "2010-01-31", company_ids=self.company.ids
        )
        for key in (
            "dso",
            "dso_countback",
            "best_dso",
            "add",
            "cei",
            "dispute_rate",
            "otif",
            "order_cycle_days",
            "revenue",
            "backlog",
            "ageing",
            "productivity",
        ):
            self.assertIsNone(kpis[key], key)

    def test_multi_company_isolation(self):
        other = self.setup_other_company(name="Distribution Normandie")["company"]
        self.env.user.company_ids = [Command.link(other.id)]
        move = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer_a.id,
                    "invoice_date": "2025-03-10",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Lot", "price_unit": 5000.0, "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
        )
        move.action_post()
        kpi = self.env["adv.kpi"]
        # Only the current company is active: the other company's invoice is ignored.
        first = kpi.with_context(allowed_company_ids=self.company.ids)
        self.assertAlmostEqual(first.compute_kpis("2025-03-01", "2025-03-31")["revenue"], 2900.0)
        both = kpi.with_context(allowed_company_ids=[self.company.id, other.id])
        self.assertAlmostEqual(both.compute_kpis("2025-03-01", "2025-03-31")["revenue"], 7900.0)
        self.assertAlmostEqual(
            both.compute_kpis("2025-03-01", "2025-03-31", company_ids=other.ids)["revenue"],
            5000.0,
        )
        # A clerk of the first company asking for the other one gets nothing.
        clerk_kpis = kpi.with_user(self.clerk).compute_kpis(
            "2025-03-01", "2025-03-31", company_ids=other.ids
        )
        self.assertIsNone(clerk_kpis["revenue"])
        self.assertIsNone(clerk_kpis["dso"])
        # The analyses' company rules hide the other company's rows from him too.
        revenue = self.env["adv.kpi.revenue.report"].with_user(self.clerk)
        self.assertFalse(revenue.search_count([("company_id", "=", other.id)]))
        self.assertTrue(revenue.search_count([("company_id", "=", self.company.id)]))

    def test_access_rights(self):
        # An internal user who may read neither invoices nor orders.
        internal = new_test_user(
            self.env,
            login="adv_kpi_internal",
            groups="base.group_user",
            company_id=self.company.id,
        )
        with self.assertRaises(AccessError):
            self.env["adv.kpi"].with_user(internal).compute_kpis("2025-03-01", "2025-03-31")
        # The dashboard leaves what he may not read empty instead of failing.
        data = (
            self.env["adv.kpi"].with_user(internal).get_dashboard_data("2025-03-01", "2025-03-31")
        )
        self.assertIsNone(data["current"]["dso"])
        self.assertIsNone(data["current"]["otif"])
        # The clerk (ADV user with invoicing and sales rights) reads the same numbers.
        kpis = self.env["adv.kpi"].with_user(self.clerk).compute_kpis("2025-03-01", "2025-03-31")
        self.assertAlmostEqual(kpis["dso"], 2600 / 2900 * 31)
        self.assertAlmostEqual(kpis["otif"], 50.0)

    def test_previous_period(self):
        previous = self.env["adv.kpi"]._kpi_previous_period
        self.assertEqual(
            previous("2025-03-01", "2025-03-31"), (date(2025, 2, 1), date(2025, 2, 28))
        )
        self.assertEqual(
            previous("2025-01-01", "2025-03-31"), (date(2024, 10, 1), date(2024, 12, 31))
        )
        self.assertEqual(
            previous("2025-04-01", "2025-04-30"), (date(2025, 3, 1), date(2025, 3, 31))
        )
        # Month to date: the same days of the previous month.
        self.assertEqual(
            previous("2025-03-01", "2025-03-15"), (date(2025, 2, 1), date(2025, 2, 15))
        )
        self.assertEqual(
            previous("2025-03-10", "2025-03-19"), (date(2025, 2, 28), date(2025, 3, 9))
        )

    def test_dashboard_query_count_does_not_grow(self):
        kpi = self.env["adv.kpi"]

        def count_queries():
            self.env.invalidate_all()
            kpi.get_dashboard_data("2025-03-01", "2025-03-31")  # warm the caches
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            data = kpi.get_dashboard_data("2025-03-01", "2025-03-31")
            return self.cr.sql_log_count - start, data

        small, data = count_queries()
        self.assertAlmostEqual(data["current"]["dso"], 2600 / 2900 * 31)
        # Ten times the documents: invoices, payments and orders.
        for index in range(10):
            invoice = self._kpi_invoice(self.customer_a, "2025-03-06", 100.0 + index, "2025-04-05")
            self._kpi_pay(invoice, "2025-03-07", 50.0)
            order = self._kpi_order(
                self.customer_b, "2025-03-02 10:00", "2025-03-09 10:00", [(self.product_p, 1, 10.0)]
            )
            self._kpi_deliver(order, "2025-03-05 10:00", {self.product_p: 1})
        large, data = count_queries()
        self.assertGreater(data["current"]["revenue"], 2900.0)
        _logger.info("get_dashboard_data: %s queries (small), %s queries (10x)", small, large)
        self.assertEqual(small, large)
        # Two periods of about ten queries each and the twelve months of the trends
        # (one query per charted KPI for the twelve months), whatever the data, with the
        # snapshot's refresh (lock, queue, facts built) when nothing is queued.
        # 47 when written; 91 when the trends ran their KPIs month by month.
        self.assertLessEqual(small, 60)
