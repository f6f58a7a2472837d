{
    "name": "ADV Suite - Dunning",
    "summary": "Reminder policies run every night: one consolidated reminder per customer, "
    "French late-payment penalties, promises to pay",
    "version": "18.0.1.0.0",
    "category": "Accounting/Sales Administration",
    "license": "LGPL-3",
    "author": "ADV Suite",
    "website": "https://github.com/adv-suite/adv-suite",
    "depends": [
        "adv_base",
        "account",
        "mail",
    ],
    "data": [
        "security/adv_dunning_security.xml",
        "security/ir.model.access.csv",
        "report/adv_dunning_letter.xml",
        "data/mail_template_data.xml",
        "data/adv_dunning_policy_data.xml",
        "data/ir_cron_data.xml",
        "views/adv_menus.xml",
    ],
    "demo": [],
    "installable": True,
}
