{
    "name": "ADV Suite - Disputes",
    "summary": "Customer disputes (litiges) with a workflow, from the customer portal too, "
    "resolution by credit note, return or replacement",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales Administration",
    "license": "LGPL-3",
    "author": "ADV Suite",
    "website": "https://github.com/adv-suite/adv-suite",
    "depends": [
        "adv_base",
        "adv_einvoicing",
        "account",
        "mail",
        "portal",
        "sale_stock",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/adv_disputes_security.xml",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "wizards/adv_dispute_credit_note_wizard_views.xml",
        "wizards/adv_dispute_reject_wizard_views.xml",
        "views/adv_dispute_views.xml",
        "views/account_move_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/res_config_settings_views.xml",
        "views/adv_dispute_portal_templates.xml",
        "views/adv_menus.xml",
    ],
    "demo": [
        "demo/adv_dispute_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "adv_disputes/static/src/js/tours/*.js",
        ],
    },
    "installable": True,
}
