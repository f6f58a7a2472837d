from . import adv_conformity_rule
from . import sale_order
