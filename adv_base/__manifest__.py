{
    "name": "ADV Suite - Base",
    "summary": "Sales Administration (ADV): application menu, access groups and settings "
    "shared by the ADV Suite addons",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales Administration",
    "license": "LGPL-3",
    "author": "ADV Suite",
    "website": "https://github.com/adv-suite/adv-suite",
    "depends": ["base_setup", "mail"],
    "data": [
        "security/adv_security.xml",
        "views/res_config_settings_views.xml",
        "views/adv_menus.xml",
    ],
    "demo": ["demo/res_users_demo.xml", "demo/res_partner_demo.xml"],
    "application": False,
    "installable": True,
}
