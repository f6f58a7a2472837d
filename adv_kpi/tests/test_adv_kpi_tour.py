from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestAdvKpiTour(HttpCase):
    def test_dashboard_tour(self):
        self.start_tour(
            "/odoo/action-adv_kpi.action_adv_kpi_dashboard", "adv_kpi_dashboard_tour", login="admin"
        )
        root = self.env.ref("adv_base.menu_adv_root")
        self.assertEqual(root.action, self.env.ref("adv_kpi.action_adv_kpi_dashboard"))
