from odoo import SUPERUSER_ID, api

# The shipped e-mail templates, whose bodies now list the invoices with their links.
TEMPLATES = (
    "adv_dunning.mail_template_courtesy",
    "adv_dunning.mail_template_reminder",
    "adv_dunning.mail_template_formal_notice",
)


def migrate(cr, version):
    """The templates are ``noupdate``: an upgrade keeps their old bodies. Those nobody
    edited (last written by the installation, as the superuser) are reset from the file;
    an edited one is left as it is (add ``<t t-call="adv_dunning.mail_reminder_invoice_actions"/>``
    to it, or use its *Reset Template* button)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    templates = env["mail.template"]
    for xmlid in TEMPLATES:
        template = env.ref(xmlid, raise_if_not_found=False)
        if template and template.write_uid.id == SUPERUSER_ID:
            templates |= template
    templates.reset_template()
