from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import AdvKpiCommon


@tagged("post_install", "-at_install")
class TestOnePromisedDate(AdvKpiCommon):
    """The late list of adv_orders and the OTIF KPI read the same promised date, per line
    (``sale.order.line.adv_promised_date``).

    The order below made them disagree: two lines promised 2 and 10 days after the
    confirmation of 2025-06-02. The late list took the order's expected date (the earliest
    line, 06-04) and listed the order as late from 06-05 although its first line had left
    on time and the second was not due; the OTIF KPI took the deadline of the line's moves,
    which logistics had moved to 06-20, and counted the second line not due until then.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2025-06-02 10:00"):
            cls.order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.customer_a.id,
                    "picking_policy": "direct",
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 5,
                                "price_unit": 100.0,
                                "customer_lead": lead,
                                "tax_id": [Command.clear()],
                            }
                        )
                        for product, lead in ((cls.product_p, 2), (cls.product_q, 10))
                    ],
                }
            )
            cls.order.action_confirm()
        cls.line_p, cls.line_q = cls.order.order_line
        cls._kpi_deliver(cls.order, "2025-06-03 10:00", {cls.product_p: 5})
        # Logistics plans the rest later: a new plan, not a new promise to the customer.
        cls.line_q.move_ids.filtered(
            lambda m: m.state != "done"
        ).date_deadline = "2025-06-20 10:00:00"

    def _otif_rows(self):
        rows = self.env["adv.kpi.otif.report"].search([("order_id", "=", self.order.id)])
        return {row.order_line_id: row for row in rows}

    def _is_listed_late(self):
        self.order.invalidate_recordset(["adv_is_late", "adv_delivery_status"])
        listed = self.env["sale.order"].search([("adv_is_late", "=", True)])
        self.assertEqual(self.order in listed, self.order.adv_is_late)
        return self.order in listed

    def _otif(self, date_to):
        return self.env["adv.kpi"].compute_kpis(
            "2025-06-01", date_to, company_ids=self.company.ids
        )["otif"]

    def test_one_promised_date_per_line(self):
        self.assertEqual(str(self.line_p.adv_promised_date), "2025-06-04 10:00:00")
        self.assertEqual(str(self.line_q.adv_promised_date), "2025-06-12 10:00:00")
        rows = self._otif_rows()
        self.assertEqual(str(rows[self.line_p].date_promised), "2025-06-04")
        self.assertEqual(str(rows[self.line_q].date_promised), "2025-06-12", "not the move's")
        # The order's next promise is its first line not delivered in full.
        self.assertEqual(self.order.adv_promised_date, self.line_q.adv_promised_date)

    def test_late_list_and_otif_agree(self):
        with freeze_time("2025-06-08 10:00"):
            # The first line left on time, the second is not due: not late, 100 % OTIF.
            self.assertFalse(self._is_listed_late())
            self.assertEqual(self.order.adv_delivery_status, "to_deliver")
            self.assertEqual(self._otif_rows()[self.line_p].otif_count, 1)
            self.assertAlmostEqual(self._otif("2025-06-30"), 100.0)
        with freeze_time("2025-06-12 18:00"):
            self.assertFalse(self._is_listed_late(), "a promise is kept until the end of its day")
        with freeze_time("2025-06-15 10:00"):
            # The second line missed its promise: the order is late and the line is not OTIF.
            self.assertTrue(self._is_listed_late())
            self.assertEqual(self._otif_rows()[self.line_q].otif_count, 0)
            self.assertAlmostEqual(self._otif("2025-06-30"), 50.0)
            self._kpi_deliver(self.order, "2025-06-15 10:00", {self.product_q: 5})
            self.order.invalidate_recordset()
            self.assertFalse(self._is_listed_late())
            self.assertEqual(self.order.adv_delivery_status, "delivered_late")
            self.assertAlmostEqual(self._otif("2025-06-30"), 50.0)
