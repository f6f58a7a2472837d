import random
import re
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.adv_base.tools import decided, with_server_flag
from odoo.addons.adv_kpi.models.adv_kpi_snapshot import TRIGGERS

from .common import AdvKpiCommon


@tagged("post_install", "-at_install")
class TestAdvKpiSnapshot(AdvKpiCommon):
    """The dashboard's snapshot gives the numbers of the computation from the documents,
    for past periods too, after every kind of change going through the queue of the
    triggers (the snapshot is built first, then the documents change)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kpi = cls.env["adv.kpi"]
        cls.live = with_server_flag(cls.kpi, "adv_kpi_live")

    # ------------------------------------------------------------------
    def _periods(self):
        """Months around the data, a quarter, a year, weeks and random spans."""
        periods = [
            (date(2025, month, 1), date(2025, month + 1, 1) - timedelta(days=1))
            for month in range(1, 6)
        ]
        periods += [
            (date(2025, 1, 1), date(2025, 3, 31)),
            (date(2025, 1, 1), date(2025, 12, 31)),
            (date(2025, 3, 10), date(2025, 3, 16)),
            (date(2025, 3, 14), date(2025, 3, 14)),
            (date(2024, 12, 1), date(2024, 12, 31)),
        ]
        rnd = random.Random(42)
        for _index in range(6):
            start = date(2025, 1, 1) + timedelta(days=rnd.randint(0, 150))
            periods.append((start, start + timedelta(days=rnd.randint(0, 60))))
        return periods

    def _assert_same(self, live, snap, path="kpis"):
        if isinstance(live, dict):
            self.assertEqual(set(live), set(snap), path)
            for key in live:
                self._assert_same(live[key], snap[key], f"{path}.{key}")
        elif isinstance(live, list):
            self.assertEqual(len(live), len(snap), path)
            for index, (left, right) in enumerate(zip(live, snap, strict=True)):
                self._assert_same(left, right, f"{path}[{index}]")
        elif isinstance(live, float) or isinstance(snap, float):
            self.assertIsNotNone(live, path)
            self.assertIsNotNone(snap, path)
            self.assertAlmostEqual(live, snap, places=6, msg=path)
        else:
            self.assertEqual(live, snap, path)

    def _assert_snapshot_equals_live(self):
        for date_from, date_to in self._periods():
            with self.subTest(period=(date_from, date_to)):
                snap = self.kpi.compute_kpis(date_from, date_to)
                live = self.live.compute_kpis(date_from, date_to)
                self._assert_same(live, snap)
        self.env.cr.execute("SELECT COUNT(*) FROM adv_kpi_snap_dirty")
        self.assertEqual(self.env.cr.fetchone()[0], 0, "the reads applied the queue")

    def _queued(self):
        self.env.flush_all()
        self.env.cr.execute("SELECT kind, COUNT(*) FROM adv_kpi_snap_dirty GROUP BY kind")
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    def test_snapshot_is_read_and_equals_the_documents(self):
        self._assert_snapshot_equals_live()
        self.env.cr.execute("SELECT fact FROM adv_kpi_snap_state")
        facts = {fact for (fact,) in self.env.cr.fetchall()}
        self.assertEqual(
            facts,
            {
                "receivable",
                "revenue",
                "dispute",
                "otif",
                "cycle",
                "clerk",
                "backlog",
                "backlog_versions",
            },
        )
        # The snapshot path holds the known March figures (see AdvKpiCommon), so it is
        # really the one read: the ledger has the month's receivable.
        kpis = self.kpi.compute_kpis(*self._kpi_march())
        self.assertAlmostEqual(kpis["receivable"], 2600.0)
        self.env.cr.execute("SELECT COUNT(*) FROM adv_kpi_snap_receivable")
        self.assertTrue(self.env.cr.fetchone()[0])

    def test_payments_unreconcile_and_credit_notes(self):
        self._assert_snapshot_equals_live()
        self._kpi_pay(self.inv4, "2025-03-18", 200.0)
        self._kpi_pay(self.inv5, "2025-04-05", 400.0)
        self.assertIn("day", self._queued())
        self._assert_snapshot_equals_live()
        # a payment taken back: its reconciliation removed
        self.inv3.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).remove_move_reconcile()
        self._assert_snapshot_equals_live()
        # a credit note on INV3, posted through Odoo's reversal wizard
        with freeze_time("2025-04-20"):
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=self.inv3.ids)
                .create({"date": "2025-04-20", "journal_id": self.inv3.journal_id.id})
            )
            reversal.refund_moves()
        refund = self.inv3.reversal_move_ids
        refund.invoice_date = "2025-04-20"
        refund.action_post()
        self._assert_snapshot_equals_live()

    def test_draft_reset_new_due_date_and_deletion(self):
        self._assert_snapshot_equals_live()
        self.inv5.button_draft()
        self.inv5.invoice_date_due = "2025-05-30"
        self.inv5.action_post()
        self._assert_snapshot_equals_live()
        self.inv5.button_draft()
        self._assert_snapshot_equals_live()
        draft = self._kpi_invoice(self.customer_a, "2025-03-21", 300.0, "2025-04-20")
        self._assert_snapshot_equals_live()
        draft.button_draft()
        draft.unlink()
        self._assert_snapshot_equals_live()
        # an invoice moved to another day and due date while in draft
        self.inv5.write({"invoice_date": "2025-02-27", "date": "2025-02-27"})
        self.inv5.invoice_date_due = "2025-03-05"
        self.inv5.action_post()
        self._assert_snapshot_equals_live()

    def test_orders_deliveries_returns_and_invoices(self):
        self._assert_snapshot_equals_live()
        # SO4 delivered late in two parts, then invoiced
        self._kpi_deliver(self.so4, "2025-04-12 10:00", {self.product_r: 2})
        self.assertIn("line", self._queued())
        self._assert_snapshot_equals_live()
        self._kpi_deliver(self.so4, "2025-04-15 10:00", {self.product_r: 1})
        with freeze_time("2025-04-16 10:00"):
            invoice = self.so4._create_invoices()
            invoice.write({"invoice_date": "2025-04-16", "invoice_date_due": "2025-05-16"})
            invoice.action_post()
        self._assert_snapshot_equals_live()
        # a return of SO1's goods weeks later
        picking = self.so1.picking_ids.filtered(lambda p: p.state == "done")[:1]
        with freeze_time("2025-04-20 10:00"):
            wizard = (
                self.env["stock.return.picking"]
                .with_context(active_id=picking.id, active_model="stock.picking")
                .create({})
            )
            for line in wizard.product_return_moves:
                line.quantity = 3
            action = wizard.action_create_returns()
            returned = self.env["stock.picking"].browse(action["res_id"])
            for move in returned.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            returned.button_validate()
        self._assert_snapshot_equals_live()
        # a new order, its promise moved, then cancelled
        order = self._kpi_order(
            self.customer_a, "2025-03-25 10:00", "2025-04-01 10:00", [(self.product_q, 4, 50.0)]
        )
        self._assert_snapshot_equals_live()
        order.order_line.adv_promised_date = "2025-03-28 10:00:00"
        self._assert_snapshot_equals_live()
        order._action_cancel()
        self._assert_snapshot_equals_live()

    def test_disputes(self):
        self._assert_snapshot_equals_live()
        Dispute = decided(self.env["adv.dispute"])
        dispute = Dispute.create(self._kpi_dispute_vals(self.inv1, "2025-03-22"))
        self.assertIn("move", self._queued())
        self._assert_snapshot_equals_live()
        dispute.write({"state": "resolved", "date_closed": "2025-04-03"})
        self._assert_snapshot_equals_live()
        self.dispute_open.write({"state": "rejected", "date_closed": "2025-03-30"})
        self._assert_snapshot_equals_live()
        dispute.move_ids = [Command.set(self.inv5.ids)]
        self._assert_snapshot_equals_live()

    def test_random_documents(self):
        """Random invoices, credit notes, payments and orders, built after the
        snapshot: every period still equal."""
        self._assert_snapshot_equals_live()
        rnd = random.Random(7)
        customers = self.customer_a | self.customer_b
        invoices = self.env["account.move"]
        for _index in range(12):
            day = date(2025, 1, 1) + timedelta(days=rnd.randint(0, 140))
            due = day + timedelta(days=rnd.choice((0, 15, 30, 45, 60)))
            invoices |= self._kpi_invoice(
                rnd.choice(customers), day, float(rnd.randint(1, 40) * 25), due
            )
        for invoice in invoices[:7]:
            pay_day = invoice.invoice_date + timedelta(days=rnd.randint(-3, 70))
            amount = invoice.amount_total * rnd.choice((0.25, 0.5, 1.0))
            self._kpi_pay(invoice, pay_day, amount)
        self._kpi_invoice(
            self.customer_b,
            invoices[8].invoice_date + timedelta(days=5),
            50.0,
            invoices[8].invoice_date + timedelta(days=5),
            move_type="out_refund",
            reversed_entry=invoices[8],
        )
        for index in range(3):
            day = date(2025, 2, 1) + timedelta(days=rnd.randint(0, 60))
            order = self._kpi_order(
                rnd.choice(customers),
                f"{day} 10:00",
                f"{day + timedelta(days=rnd.randint(1, 10))} 10:00",
                [(self.product_p, rnd.randint(1, 9), 100.0), (self.product_q, 3, 50.0)],
            )
            done = day + timedelta(days=rnd.randint(0, 15))
            self._kpi_deliver(
                order, f"{done} 10:00", {self.product_p: rnd.randint(0, 9), self.product_q: 3}
            )
            if index:
                with freeze_time(f"{done} 12:00"):
                    invoice = order._create_invoices()
                    invoice.write({"invoice_date": done, "invoice_date_due": done})
                    invoice.action_post()
        self._assert_snapshot_equals_live()

    def test_trends_read_the_twelve_months_at_once(self):
        """The trends read DSO, revenue, dispute rate and OTIF of the twelve months in
        one query each: the same numbers as the documents' month by month, and as many
        queries for twelve months as for three."""
        self._assert_snapshot_equals_live()
        self._kpi_invoice(self.customer_b, "2024-07-08", 450.0, "2024-08-07")
        snap = self.kpi._kpi_trend_values("2025-05-15")
        live = self.live._kpi_trend_values("2025-05-15")
        self._assert_same(live, snap)
        self.assertIsNotNone(snap["values"]["dso"][-3])
        tz = self.env["adv.kpi.report.mixin"]._kpi_tz()
        whole = dict(self.kpi._kpi_scope("2024-06-01", "2025-05-15"), snapshot=tz)
        scopes = [
            self.kpi._kpi_scope(start, end)
            for start, end in self.kpi._kpi_trend_periods("2025-05-15")
        ]
        self.assertEqual(
            set(
                self.kpi._kpi_trend_snapshot(
                    whole, scopes, ["dso", "revenue", "otif", "dispute_rate", "backlog"]
                )
            ),
            {"dso", "revenue", "otif", "dispute_rate"},
        )

        def count(months):
            self.kpi._kpi_trend_values("2025-05-15", months=months)  # warm the caches
            start = self.cr.sql_log_count
            self.kpi._kpi_trend_values("2025-05-15", months=months)
            return self.cr.sql_log_count - start

        self.assertEqual(count(3), count(12))

    def test_other_time_zone_and_rebuild(self):
        self._assert_snapshot_equals_live()
        # a user in another time zone reads the local days of his own zone
        self.kpi = self.kpi.with_context(tz="Pacific/Auckland")
        self.live = self.live.with_context(tz="Pacific/Auckland")
        self._assert_snapshot_equals_live()
        self.env.cr.execute("SELECT DISTINCT tz FROM adv_kpi_snap_state WHERE tz <> ''")
        self.assertEqual(len(self.env.cr.fetchall()), 2)
        self.env["adv.kpi.snapshot"]._kpi_snapshot_rebuild()
        self._assert_snapshot_equals_live()
        self.env["adv.kpi.snapshot"]._cron_refresh()
        self._assert_snapshot_equals_live()

    def test_changes_that_do_not_matter_queue_nothing(self):
        self._assert_snapshot_equals_live()
        self.inv4.narration = "Relancé par téléphone"
        self.so4.note = "Livraison sur rendez-vous"
        self.customer_a.phone = "+33 1 23 45 67 89"
        self.assertEqual(self._queued(), {})

    def test_update_triggers_watch_every_column_they_queue(self):
        """An update queues the watched columns of the changed rows only (set
        differences, see _kpi_snapshot_create_triggers): every column a queue statement
        reads from the rows must be watched, or it would be missing."""
        for table, spec in TRIGGERS.items():
            if not spec.get("columns"):
                continue
            read = set(re.findall(r"\br\.(\w+)", " ".join(spec["queues"])))
            watched = set(spec.get("key", ("id",))) | set(spec["columns"])
            self.assertLessEqual(read, watched, table)

    def test_mass_update_of_other_columns_queues_nothing(self):
        """The reminder run's kind of update: many invoices, columns the snapshot does
        not read. Nothing queued; a watched column changed on some of them queues them,
        old and new days."""
        self._assert_snapshot_equals_live()
        moves = self.env["account.move"].search([("move_type", "=", "out_invoice")])
        self.assertGreater(len(moves), 3)
        first_date = moves[0].date
        self.env.cr.execute(
            "UPDATE account_move SET write_date = NOW() AT TIME ZONE 'UTC' WHERE id = ANY(%s)",
            [moves.ids],
        )
        self.assertEqual(self._queued(), {})
        self.env.cr.execute(
            "UPDATE account_move SET date = CASE WHEN id = %s THEN date + 1 ELSE date END "
            "WHERE id = ANY(%s)",
            [moves[0].id, moves.ids],
        )
        self.env.cr.execute("SELECT kind, res_id, day FROM adv_kpi_snap_dirty")
        rows = self.env.cr.fetchall()
        self.assertEqual({res_id for kind, res_id, _day in rows if kind == "move"}, {moves[0].id})
        days = {day for kind, _res_id, day in rows if kind == "day"}
        self.assertEqual(days, {first_date, first_date + timedelta(days=1)})
        self.env.cr.execute("UPDATE account_move SET date = date - 1 WHERE id = %s", [moves[0].id])
        self.env.invalidate_all()
        self._assert_snapshot_equals_live()

    def test_uninstall_removes_triggers_and_tables(self):
        snapshot = self.env["adv.kpi.snapshot"]
        snapshot._kpi_snapshot_drop()
        self.env.cr.execute("SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE 'adv_kpi_snap%'")
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.env.cr.execute("SELECT to_regclass('adv_kpi_snap_dirty')")
        self.assertIsNone(self.env.cr.fetchone()[0])
        snapshot.init()
        self._assert_snapshot_equals_live()

    def test_nightly_refresh_drains_the_queue_and_builds_nothing(self):
        self.env.cr.execute("DELETE FROM adv_kpi_snap_state")
        self._kpi_invoice(self.customer_a, "2025-03-21", 300.0, "2025-04-20")
        self.assertTrue(self._queued())
        self.env["adv.kpi.snapshot"]._cron_refresh()
        self.assertEqual(self._queued(), {})
        self.env.cr.execute("SELECT COUNT(*) FROM adv_kpi_snap_state")
        self.assertEqual(self.env.cr.fetchone()[0], 0, "nothing built before a reader")
        # the first reader builds it, with what was drained
        self._assert_snapshot_equals_live()

    def test_read_only_transaction_reads_the_documents(self):
        """A read-only transaction cannot bring the snapshot up to date: the KPIs come
        from the documents, right."""
        self.env.flush_all()
        self.env.cr.execute("SET TRANSACTION READ ONLY")
        kpis = self.kpi.compute_kpis(*self._kpi_march())
        self.assertAlmostEqual(kpis["receivable"], 2600.0)
