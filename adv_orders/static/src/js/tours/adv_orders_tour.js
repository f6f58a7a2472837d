import { registry } from "@web/core/registry";

// Both tours start on a blocked quotation prepared by the Python test (test_ui.py).

const seeFindings = [
    {
        content: "The quotation is marked as blocked",
        trigger: ".o_form_view .o_field_widget[name=adv_conformity_state]:contains(Blocked)",
    },
    {
        content: "The blocked banner explains why it cannot be confirmed",
        trigger: ".o_form_view .alert-danger:contains(blocked by the conformity check)",
    },
    {
        content: "Open the conformity tab",
        trigger: ".o_notebook_headers a:contains(Conformity)",
        run: "click",
    },
    {
        content: "The finding says what is wrong in numbers",
        trigger: ".o_field_widget[name=adv_finding_ids] td:contains(is 20% below the pricelist price 10.00)",
    },
];

registry.category("web_tour.tours").add("adv_orders_blocked_order_user", {
    steps: () => [
        ...seeFindings,
        {
            content: "An ADV user cannot waive",
            trigger: ".o_form_statusbar:not(:has(button[name=action_adv_open_waive_wizard]))",
        },
        {
            // the server refuses it anyway (action_confirm): the button is not offered
            content: "A blocked quotation offers no Confirm button",
            trigger: ".o_form_statusbar:not(:has(button[name=action_confirm]))",
        },
        {
            content: "The banner lists the blocking findings with their messages",
            trigger: ".alert-danger:contains(blocked by the conformity check):contains(below the pricelist price)",
        },
        {
            content: "The order is still a quotation",
            trigger: ".o_statusbar_status [aria-checked=true]:contains(Quotation)",
        },
    ],
});

registry.category("web_tour.tours").add("adv_orders_blocked_order_manager", {
    steps: () => [
        ...seeFindings,
        {
            content: "The ADV manager waives the findings",
            trigger: ".o_form_statusbar button[name=action_adv_open_waive_wizard]",
            run: "click",
        },
        {
            content: "Give the reason of the waiver",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Prix d'ouverture accordé par la direction commerciale",
        },
        {
            content: "Waive",
            trigger: ".modal button[name=action_waive]",
            run: "click",
        },
        {
            content: "The quotation is now waived",
            trigger: ".o_form_view .o_field_widget[name=adv_conformity_state]:contains(Waived)",
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_form_statusbar button[name=action_confirm]:visible",
            run: "click",
        },
        {
            content: "The quotation is now a sales order",
            trigger: ".o_statusbar_status [aria-checked=true]:contains(Sales Order)",
        },
    ],
});
