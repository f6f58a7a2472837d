from . import adv_webhook_event
from . import adv_webhook
from . import adv_webhook_delivery
from . import adv_order_api
from . import sale_order
from . import account_move
from . import adv_dunning_communication
from . import adv_dispute
