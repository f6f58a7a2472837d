from datetime import date, timedelta

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

RUN_DATE = date(2026, 3, 2)


class AdvDunningCommon(AccountTestInvoicingCommon):
    """A company with a five-level policy and business customers."""

    @classmethod
    def default_env_context(cls):
        # Reminders write history in the chatter: keep mail logic enabled.
        return {}

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("adv_base.group_adv_manager")

    @classmethod
    def setup_independent_company(cls, **kwargs):
        # A French company: euros, so that the 40 EUR indemnity needs no conversion.
        eur = cls.env.ref("base.EUR")
        eur.active = True
        return cls._create_company(name="Distribution Test", currency_id=eur.id, **kwargs)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "adv_dunning_legal_rate": 3.16,
                "adv_dunning_ecb_rate": 2.15,
                "adv_dunning_penalty_rate": 12.15,
            }
        )
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Test reminder",
                "model_id": cls.env["ir.model"]._get_id("adv.dunning.communication"),
                "subject": "Overdue invoices",
                "email_from": "adv@distribution-test.example.com",
                "partner_to": "{{ object.partner_id.id }}",
                "body_html": "<p>Please pay.</p>",
            }
        )
        cls.policy = cls._create_policy(cls.company)
        cls.level_courtesy, cls.level_1, cls.level_15, cls.level_30, cls.level_45 = (
            cls.policy.level_ids.sorted("sequence")
        )
        cls.company.adv_dunning_policy_id = cls.policy
        cls.customer = cls._create_customer("Boulangerie Test")
        cls.customer_2 = cls._create_customer("Garage Test")
        cls.clerk = new_test_user(
            cls.env,
            login="dunning_clerk",
            groups="adv_base.group_adv_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _create_policy(cls, company, interval=7):
        def level(seq, name, days, channel="email", **kw):
            return Command.create(
                {
                    "sequence": seq,
                    "name": name,
                    "days_after_due": days,
                    "channel": channel,
                    "mail_template_id": cls.template.id if channel == "email" else False,
                    **kw,
                }
            )

        return cls.env["adv.dunning.policy"].create(
            {
                "name": f"Policy {company.name}",
                "company_id": company.id,
                "min_interval_days": interval,
                "level_ids": [
                    level(10, "Courtesy", -5),
                    level(20, "Reminder 1", 1),
                    level(30, "Reminder 2", 15),
                    level(40, "Formal notice", 30, penalties=True, formal_notice=True),
                    level(50, "Hold", 45, "manual", penalties=True, hold_customer=True),
                ],
            }
        )

    @classmethod
    def _create_customer(cls, name, **kw):
        return cls.env["res.partner"].create(
            {"name": name, "is_company": True, "email": f"{name.split()[0].lower()}@example.com"}
            | kw
        )

    @classmethod
    def _invoice(
        cls, partner, amount, days_late, run_date=RUN_DATE, currency=None, company=None, post=True
    ):
        """A posted invoice of ``amount`` whose due date is ``days_late`` days before
        ``run_date``."""
        company = company or cls.company
        due = run_date - timedelta(days=days_late)
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Goods",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    def _run(self, run_date=RUN_DATE, company=None, user=None):
        run = (
            self.env["adv.dunning.run"]
            .with_user(user or self.env.user)
            .with_company(company or self.company)
            .create({"date": run_date, "company_id": (company or self.company).id})
        )
        run.action_run()
        return run

    def _pay(self, move, amount, pay_date=RUN_DATE):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": amount, "payment_date": pay_date})._create_payments()
