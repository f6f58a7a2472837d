from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import AdvDunningCommon


@tagged("post_install", "-at_install")
class TestDunningConfig(AdvDunningCommon):
    def test_levels_must_have_increasing_delays(self):
        with self.assertRaises(ValidationError):
            self.env["adv.dunning.policy"].create(
                {
                    "name": "Wrong order",
                    "company_id": self.company.id,
                    "level_ids": [
                        Command.create({"sequence": 1, "name": "A", "days_after_due": 15}),
                        Command.create({"sequence": 2, "name": "B", "days_after_due": 1}),
                    ],
                }
            )

    def test_default_french_policy_ships_as_data(self):
        # The shipped policy belongs to the main company, not to the test user's one.
        policy = self.env.ref("adv_dunning.policy_fr_default").sudo()
        levels = policy.level_ids.sorted("sequence")
        self.assertEqual(levels.mapped("days_after_due"), [-5, 1, 15, 30, 45])
        formal = levels.filtered("formal_notice")[0]
        self.assertEqual(formal.days_after_due, 30)
        self.assertTrue(formal.penalties)
        self.assertEqual(levels.filtered("hold_customer").days_after_due, 45)

    def test_settings_rate_floor(self):
        # The settings are saved by an administrator (sudo: the test user is no admin).

        settings = Form(self.env["res.config.settings"].sudo())
        settings.adv_dunning_legal_rate = 3.16
        settings.adv_dunning_penalty_rate = 9.0
        with self.assertRaises(ValidationError):
            settings.save().execute()
        settings = Form(self.env["res.config.settings"].sudo())
        settings.adv_dunning_penalty_rate = 10.0
        settings.save().execute()
        self.assertEqual(self.company.adv_dunning_penalty_rate, 10.0)
