from . import test_einvoice_status_rules
from . import test_einvoice_lifecycle
from . import test_einvoice_external_api
