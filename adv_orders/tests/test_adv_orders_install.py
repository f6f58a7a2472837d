from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_installed_with_groups(self):
        module = self.env["ir.module.module"].search([("name", "=", "adv_orders")])
        self.assertEqual(module.state, "installed")
        clerk = new_test_user(self.env, login="clerk_adv_orders", groups="adv_base.group_adv_user")
        root = self.env.ref("adv_base.menu_adv_root")
        self.assertIn(root.id, self.env["ir.ui.menu"].with_user(clerk)._visible_menu_ids())
