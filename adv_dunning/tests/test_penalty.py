from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.adv_dunning.models import penalty


@tagged("post_install", "-at_install")
class TestPenalty(TransactionCase):
    """The penalty arithmetic on its own (L441-10, D441-5)."""

    def test_days_late_counted_from_due_date(self):
        due = date(2026, 3, 1)
        self.assertEqual(penalty.days_late(due, date(2026, 2, 28)), 0)
        self.assertEqual(penalty.days_late(due, due), 0)
        self.assertEqual(penalty.days_late(due, date(2026, 3, 2)), 1)
        self.assertEqual(penalty.days_late(due, date(2026, 3, 31)), 30)
        self.assertEqual(penalty.days_late(False, date(2026, 3, 31)), 0)

    def test_interest_exact_cents(self):
        # 1000 x 12.15 % x 30 / 365 = 9.98630...
        self.assertEqual(penalty.late_interest(1000.0, 12.15, 30), 9.99)
        # 2500 x 12.15 % x 45 / 365 = 37.44863...
        self.assertEqual(penalty.late_interest(2500.0, 12.15, 45), 37.45)
        # 1234.56 x 12.15 % x 35 / 365 = 14.38315...
        self.assertEqual(penalty.late_interest(1234.56, 12.15, 35), 14.38)

    def test_interest_rounds_half_up_without_float_drift(self):
        # 36.50 x 1 % x 5 / 365 = 0.005 exactly: half-up gives one cent.
        self.assertEqual(penalty.late_interest(36.5, 1.0, 5), 0.01)

    def test_interest_rounded_in_invoice_currency(self):
        # A currency without decimals (JPY): 100000 x 12.15 % x 10 / 365 = 332.87...
        self.assertEqual(penalty.late_interest(100000, 12.15, 10, decimal_places=0), 333.0)

    def test_no_interest_when_not_late(self):
        self.assertEqual(penalty.late_interest(1000.0, 12.15, 0), 0.0)
        self.assertEqual(penalty.late_interest(1000.0, 12.15, -3), 0.0)
        self.assertEqual(penalty.late_interest(0.0, 12.15, 30), 0.0)

    def test_indemnity_is_forty_euros(self):
        self.assertEqual(penalty.RECOVERY_INDEMNITY_EUR, 40)

    def test_rate_floor(self):
        self.assertTrue(penalty.is_rate_lawful(9.48, 3.16))
        self.assertFalse(penalty.is_rate_lawful(9.47, 3.16))

    def test_company_rate_constraint(self):
        company = self.env.company
        company.write({"adv_dunning_legal_rate": 3.16, "adv_dunning_penalty_rate": 12.15})
        with self.assertRaises(ValidationError):
            company.adv_dunning_penalty_rate = 9.0
        company.adv_dunning_ecb_rate = 4.5
        company.action_adv_dunning_reset_penalty_rate()
        self.assertAlmostEqual(company.adv_dunning_penalty_rate, 14.5)
