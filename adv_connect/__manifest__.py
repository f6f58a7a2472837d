{
    "name": "ADV Suite - Connect",
    "summary": "ADV events sent to Zapier, Make or any tool as signed JSON webhooks, and a "
    "JSON endpoint that turns an external order into a checked quotation",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales Administration",
    "license": "LGPL-3",
    "author": "ADV Suite",
    "website": "https://github.com/adv-suite/adv-suite",
    "depends": [
        "adv_orders",
        "adv_dunning",
        "adv_disputes",
        "base_automation",
    ],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/adv_connect_security.xml",
        "data/adv_webhook_event_data.xml",
        "data/ir_cron_data.xml",
        "views/adv_webhook_views.xml",
        "views/adv_webhook_delivery_views.xml",
        "views/adv_webhook_event_views.xml",
        "views/adv_menus.xml",
    ],
    "installable": True,
}
