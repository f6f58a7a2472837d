import { registry } from "@web/core/registry";

// The tours start on a blocked quotation or on an order held with the same blocking
// finding (rule "Prix"), both prepared by the Python test (test_ui.py).

const BANNER = ".o_form_view .alert-danger:contains(blocked by the conformity check)";
const HELD_BANNER = ".o_form_view .alert-danger:contains(This order is on hold)";
// the finding in the banner itself: the rule's name and the finding's message
const FINDING_ITEM = "li:has(strong:contains(Prix)):contains(is 20% below the pricelist price 10.00)";

const seeFindings = [
    {
        content: "The quotation is marked as blocked",
        trigger: ".o_form_view .o_field_widget[name=adv_conformity_state]:contains(Blocked)",
    },
    {
        content: "The blocked banner lists the blocking finding: rule and message",
        trigger: `${BANNER} ${FINDING_ITEM}`,
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
            content: "The order is still a quotation",
            trigger: ".o_statusbar_status [aria-checked=true]:contains(Quotation)",
        },
    ],
});

registry.category("web_tour.tours").add("adv_orders_blocked_order_manager", {
    steps: () => [
        ...seeFindings,
        {
            content: "Not even an ADV manager confirms before waiving: no Confirm button",
            trigger: ".o_form_statusbar:not(:has(button[name=action_confirm]))",
        },
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

registry.category("web_tour.tours").add("adv_orders_blocked_order_salesman", {
    steps: () => [
        {
            content: "The banner of the salesman's blocked quotation lists its finding",
            trigger: `${BANNER} ${FINDING_ITEM}`,
        },
        {
            content: "The salesman can check the quotation again",
            trigger: ".o_form_statusbar button[name=action_adv_check]",
        },
        {
            // action_confirm refuses it on the server: the button is not offered
            content: "A blocked quotation offers no Confirm button",
            trigger: ".o_form_statusbar:not(:has(button[name=action_confirm]))",
        },
        {
            content: "Nor the waiver, which only an ADV manager gives",
            trigger: ".o_form_statusbar:not(:has(button[name=action_adv_open_waive_wizard]))",
        },
        {
            content: "The order is still a quotation",
            trigger: ".o_statusbar_status [aria-checked=true]:contains(Quotation)",
        },
    ],
});

registry.category("web_tour.tours").add("adv_orders_held_order_salesman", {
    steps: () => [
        {
            content: "The banner of the held order lists the finding that held it",
            trigger: `${HELD_BANNER} ${FINDING_ITEM}`,
        },
        {
            content: "Only an ADV manager releases the hold: no button for the salesman",
            trigger: ".o_form_statusbar:not(:has(button[name=action_adv_open_release_wizard]))",
        },
        {
            content: "Nor the quotation's buttons on an order",
            trigger:
                ".o_form_statusbar:not(:has(button[name=action_adv_check])):not(:has(button[name=action_adv_mark_ready]))",
        },
    ],
});

registry.category("web_tour.tours").add("adv_orders_held_order_manager", {
    steps: () => [
        {
            content: "The banner of the held order lists the finding that held it",
            trigger: `${HELD_BANNER} ${FINDING_ITEM}`,
        },
        {
            content: "The ADV manager is offered the release",
            trigger: ".o_form_statusbar button[name=action_adv_open_release_wizard]",
        },
    ],
});
