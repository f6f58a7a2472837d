/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("adv_kpi_dashboard_tour", {
    url: "/odoo/action-adv_kpi.action_adv_kpi_dashboard",
    steps: () => [
        {
            content: "The dashboard shows the DSO card with its previous period",
            trigger: ".o_adv_kpi_dashboard .o_adv_kpi_card[data-kpi='dso'] .o_adv_kpi_previous",
        },
        {
            content: "Parts of a KPI have their own card (from the catalogue)",
            trigger: ".o_adv_kpi_card[data-kpi='ageing.overdue'], .o_adv_kpi_card[data-kpi='backlog.to_deliver']",
        },
        {
            content: "The ageing and the work per clerk are tables",
            trigger: ".o_adv_kpi_table[data-kpi='ageing'] .card-title:contains(Receivable ageing)",
        },
        {
            trigger: ".o_adv_kpi_table[data-kpi='productivity']",
        },
        {
            content: "Switch to last month",
            trigger: ".o_adv_kpi_period[data-period='last_month']",
            run: "click",
        },
        {
            trigger: ".o_adv_kpi_period.active[data-period='last_month']",
        },
        {
            content: "Open the XLSX export",
            trigger: ".o_adv_kpi_export",
            run: "click",
        },
        {
            content: "The export asks for the period, prefilled",
            trigger: ".modal .o_field_widget[name='date_from'] input:value(/.+/)",
        },
        {
            trigger: ".modal .o_form_button_cancel, .modal button[special='cancel']",
            run: "click",
        },
        {
            content: "Open the OTIF analysis",
            trigger: ".o_adv_kpi_card[data-kpi='otif']",
            run: "click",
        },
        {
            content: "The OTIF analysis opens in the pivot view",
            trigger: ".o_pivot_view",
        },
    ],
});
