{
    "name": "ADV Suite - Orders",
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
        "security/adv_orders_security.xml",
        "data/adv_conformity_rule_data.xml",
        "data/mail_data.xml",
        "data/ir_cron_data.xml",
        "views/res_config_settings_views.xml",
        "views/adv_conformity_rule_views.xml",
        "views/adv_conformity_finding_views.xml",
        "views/sale_order_views.xml",
        "wizards/adv_conformity_waive_wizard_views.xml",
        "views/adv_menus.xml",
    ],
    "demo": [
    ],
    "installable": True,
}
