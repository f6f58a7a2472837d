{
    "name": "ADV Suite - Orders",
    "summary": "Order conformity checks before confirmation, manager waivers, order intake from files, delivery tracking and nightly invoicing",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales Administration",
    "license": "LGPL-3",
    "author": "ADV Suite",
    "website": "https://github.com/adv-suite/adv-suite",
    "depends": [
        "adv_base",
        "sale_management",
        "sale_stock",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/adv_invoicing_run_security.xml",
        "views/res_config_settings_views.xml",
        "views/adv_invoicing_run_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "views/adv_menus.xml",
        "data/adv_invoicing_cron.xml",
    ],
    "demo": [
        "demo/adv_invoicing_demo.xml",
    ],
    "installable": True,
}
