from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import AdvKpiCommon


@tagged("post_install", "-at_install")
class TestAdvKpiTour(HttpCase):
    def test_dashboard_tour(self):
        self.start_tour(
            "/odoo/action-adv_kpi.action_adv_kpi_dashboard", "adv_kpi_dashboard_tour", login="admin"
        )
        root = self.env.ref("adv_base.menu_adv_root")
        self.assertEqual(root.action, self.env.ref("adv_kpi.action_adv_kpi_dashboard"))


@tagged("post_install", "-at_install")
class TestAdvKpiTrendTour(AdvKpiCommon, HttpCase):
    def test_trend_point_opens_its_month(self):
        """A click on the revenue point of two months ago opens the revenue analysis on
        that month: its customer shows, last month's does not."""
        first = fields.Date.context_today(self.env["adv.kpi"]).replace(day=1)
        clicked = first - relativedelta(months=2) + timedelta(days=9)
        neighbour = first - relativedelta(months=1) + timedelta(days=9)
        customers = self.env["res.partner"].create(
            [
                {"name": "Courbes Tendance SARL", "is_company": True},
                {"name": "Voisin Tendance SARL", "is_company": True},
            ]
        )
        self._kpi_invoice(customers[0], clicked, 1234.0, clicked + timedelta(days=30))
        self._kpi_invoice(customers[1], neighbour, 4321.0, neighbour + timedelta(days=30))
        new_test_user(
            self.env,
            login="adv_kpi_trend_manager",
            groups="adv_base.group_adv_manager,account.group_account_invoice,"
            "sales_team.group_sale_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        trends = self.env["adv.kpi"]._kpi_trend_values(fields.Date.context_today(self.env.user))
        self.assertAlmostEqual(trends["values"]["revenue"][9], 1234.0)
        self.start_tour(
            "/odoo/action-adv_kpi.action_adv_kpi_dashboard",
            "adv_kpi_trend_tour",
            login="adv_kpi_trend_manager",
        )
