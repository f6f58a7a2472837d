from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, TransactionCase, tagged


def _demo_loaded(env):
    return bool(env.ref("adv_orders.demo_order_late_01", raise_if_not_found=False))


def _story_periods(env):
    """The current month to date and the whole previous month: the demo story lies in
    the 28 days before the database was made, so one of them holds half of it."""
    today = fields.Date.context_today(env["adv.kpi"])
    first = today.replace(day=1)
    previous_first = (first - timedelta(days=1)).replace(day=1)
    return [(first, today), (previous_first, first - timedelta(days=1))]


@tagged("post_install", "-at_install")
class TestDemoStory(TransactionCase):
    """The month the demo tells is there, made by the business flows: a dashboard with
    meaningful numbers, credited to the demo clerks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not _demo_loaded(cls.env):
            cls.skipTest(cls, "demo data not loaded")
        cls.company = cls.env.ref("base.main_company")
        cls.customers = cls.env["res.partner"].browse(
            [cls.env.ref(f"adv_base.demo_customer_{n:02d}").id for n in range(1, 13)]
        )
        cls.clerks = (
            cls.env.ref("adv_base.demo_user_clerk")
            | cls.env.ref("adv_base.demo_user_clerk2")
            | cls.env.ref("adv_base.demo_user_manager")
        )

    def test_company_switches_on(self):
        self.assertTrue(self.company.adv_invoicing_run_enabled)
        self.assertTrue(self.company.adv_auto_confirm)

    def test_invoicing_runs_done(self):
        runs = self.env["adv.invoicing.run"].search(
            [("company_id", "=", self.company.id), ("state", "=", "done")]
        )
        self.assertGreaterEqual(len(runs), 2)
        invoices = runs.invoice_ids.filtered(lambda m: m.state == "posted")
        self.assertTrue(invoices)
        self.assertTrue(all(run.date < fields.Date.context_today(run) for run in runs))
        self.assertEqual(invoices.create_uid, self.env.ref("adv_base.demo_user_manager"))
        self.assertIn("paid", invoices.mapped("payment_state"))
        # e-mailed through Odoo's mail queue (the demo has no mail server)
        mails = self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "in", invoices.ids)]
        )
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        # dated back by the story: the invoice date is the run's date
        self.assertEqual(set(invoices.mapped("invoice_date")), set(runs.mapped("date")))

    def test_deliveries_on_time_late_partial(self):
        orders = self.env["sale.order"].search(
            [
                ("partner_id", "in", self.customers.ids),
                ("state", "=", "sale"),
                ("picking_ids.state", "=", "done"),
            ]
        )
        lines = orders.order_line._adv_promised_goods()
        full = lines._adv_delivered_in_full()
        late = lines._adv_delivered_late()
        self.assertTrue(full - late, "lines delivered in full on time")
        self.assertTrue(late & full, "lines delivered in full, late")
        self.assertTrue(lines - full, "lines delivered in part")
        backorders = orders.picking_ids.filtered("backorder_id")
        self.assertTrue(backorders.filtered(lambda p: p.state == "done"))
        self.assertTrue(backorders.filtered(lambda p: p.state not in ("done", "cancel")))
        # deliveries dated in the past, as the story happened
        done = orders.picking_ids.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        )
        self.assertTrue(all(p.date_done.date() < fields.Date.context_today(p) for p in done))

    def test_kpis_not_trivial(self):
        kpi = self.env["adv.kpi"]
        otifs, cycles = [], []
        for date_from, date_to in _story_periods(self.env):
            figures = kpi.compute_kpis(date_from, date_to, company_ids=self.company.ids)
            otifs.append(figures["otif"])
            cycles.append(figures["order_cycle_days"])
        self.assertTrue(any(otif is not None and 0 < otif < 100 for otif in otifs), f"OTIF {otifs}")
        self.assertTrue(any(cycle and cycle > 0 for cycle in cycles), f"cycles {cycles}")

    def test_work_credited_to_clerks(self):
        """The suite's demo customers: every order, invoice and credit note is the work of
        a demo clerk, none of OdooBot (the superuser who loads the data)."""
        kpi = self.env["adv.kpi"]
        users = self.env["res.users"]
        totals = {"orders": 0, "invoices": 0, "credit_notes": 0, "disputes": 0}
        for date_from, date_to in _story_periods(self.env):
            rows = (
                kpi.compute_kpis(
                    date_from, date_to, company_ids=self.company.ids, partner_ids=self.customers.ids
                )["productivity"]
                or []
            )
            for row in rows:
                users |= users.browse(row["user_id"])
                for key in totals:
                    totals[key] += row[key]
        self.assertTrue(users)
        self.assertLessEqual(users, self.clerks, "only the demo clerks")
        self.assertTrue(all(totals.values()), totals)

    def test_disputes_resolved_both_ways(self):
        disputes = self.env["adv.dispute"].search([("partner_id", "in", self.customers.ids)])
        by_credit_note = disputes.filtered(
            lambda d: d.state == "resolved" and d.resolution == "credit_note"
        )
        by_return = disputes.filtered(lambda d: d.state == "resolved" and d.resolution == "return")
        self.assertTrue(by_credit_note.credit_note_ids.filtered(lambda m: m.state == "posted"))
        self.assertTrue(by_return.return_picking_ids.filtered(lambda p: p.state == "done"))
        self.assertTrue(by_return.credit_note_ids.filtered(lambda m: m.state == "posted"))
        credit_notes = (by_credit_note | by_return).credit_note_ids
        self.assertLessEqual(credit_notes.create_uid, self.clerks)
        self.assertTrue(disputes.filtered(lambda d: d.state == "rejected"))
        self.assertTrue(disputes.filtered(lambda d: d.state == "in_progress"))


@tagged("post_install", "-at_install")
class TestDemoDashboardTour(HttpCase):
    def test_demo_dashboard_tour(self):
        if not _demo_loaded(self.env):
            self.skipTest("demo data not loaded")
        self.start_tour(
            "/odoo/action-adv_kpi.action_adv_kpi_dashboard",
            "adv_kpi_demo_dashboard_tour",
            login="admin",
        )
