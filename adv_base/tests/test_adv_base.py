from odoo.tests import TransactionCase, new_test_user, tagged

from ..tools import decided, has_server_flag, is_decided, with_server_flag


@tagged("post_install", "-at_install")
class TestAdvBase(TransactionCase):
    def test_groups_hierarchy(self):
        user_group = self.env.ref("adv_base.group_adv_user")
        manager_group = self.env.ref("adv_base.group_adv_manager")
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertIn(self.env.ref("base.group_user"), user_group.implied_ids)

    def test_menu_visible_to_adv_user_only(self):
        root = self.env.ref("adv_base.menu_adv_root")
        clerk = new_test_user(self.env, login="adv_clerk", groups="adv_base.group_adv_user")
        outsider = new_test_user(self.env, login="adv_outsider", groups="base.group_user")
        visible_clerk = self.env["ir.ui.menu"].with_user(clerk)._visible_menu_ids()
        visible_outsider = self.env["ir.ui.menu"].with_user(outsider)._visible_menu_ids()
        self.assertIn(root.id, visible_clerk)
        self.assertNotIn(root.id, visible_outsider)
        config = self.env.ref("adv_base.menu_adv_config")
        self.assertNotIn(config.id, visible_clerk, "configuration is for ADV managers")


@tagged("post_install", "-at_install")
class TestServerFlags(TransactionCase):
    """Flags that leave an access check out or write a decision count
    only when server code set them: the same key sent by a client is ignored."""

    def test_client_context_key_is_ignored(self):
        partners = self.env["res.partner"]
        for flag in ("adv_kpi_skip_denied", "any_flag"):
            for value in (True, 1, "1", "adv_decision", {"token": True}):
                self.assertFalse(has_server_flag(partners.with_context(**{flag: value}), flag))
            self.assertTrue(has_server_flag(with_server_flag(partners, flag), flag))
        self.assertFalse(is_decided(partners.with_context(adv_decision=True)))
        self.assertTrue(is_decided(decided(partners)))
