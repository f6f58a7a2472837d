from . import adv_conformity_waive_wizard
