from odoo import api, models


class AdvDunningDemo(models.AbstractModel):
    """The reminders of the demo company, told through the business flows.

    Demo data only (called from demo/adv_dunning_demo.xml): Claire Dubois starts the
    reminder run of the day from the screen, as a clerk does. The run closes the promises
    to pay whose date is past (Supermarché Leclair's kept, Menuiserie Bernard's broken),
    computes the reminders of the overdue invoices and sends them: e-mails queued in Odoo's
    mail queue (the demo has no mail server), the formal notice with its late-payment
    penalties, and the last reminder as a letter to print, which puts the Clinique
    Vétérinaire des Alpes on credit hold.
    """

    _name = "adv.dunning.demo"
    _description = "ADV reminders demo story"

    @api.model
    def _adv_demo_reminder_run(self):
        # The e-mails (the broken promise's activity notice too) wait in Odoo's mail queue:
        # sent at once, they would fail on the demo's missing mail server.
        self = self.with_context(mail_notify_force_send=False)
        company = self.env.ref("base.main_company")
        clerk = self.env.ref("adv_base.demo_user_clerk")
        run = (
            self.env["adv.dunning.run"]
            .with_user(clerk)
            .with_company(company)
            .create({"company_id": company.id})
        )
        run.action_run()
        return True
