"""What Voicebox knows about one address, and how it lets go of it (no Flask here).

- `dossier`: everything the store holds about an address, read in one consistent moment
  (`voicebox person export`).
- `erasure`: forgetting it (`voicebox person erase`): what is removed, what is anonymised,
  and what is kept under an account that no longer names anyone.
- `retention`: sales lose their address and name after VOICEBOX_SALES_KEEP_DAYS.
- `suppression`: addresses that must get no mail (a permanent delivery failure, an erased
  account), checked by the mailer for every message.
"""

from .dossier import Dossier, find_person
from .erasure import Erasure, erase_person, planned_erasure
from .retention import RETENTION_JOB, anonymise_sale, anonymise_sales
from .suppression import lift_suppression, refusal, suppress

__all__ = [
    "RETENTION_JOB",
    "Dossier",
    "Erasure",
    "anonymise_sale",
    "anonymise_sales",
    "erase_person",
    "find_person",
    "lift_suppression",
    "planned_erasure",
    "refusal",
    "suppress",
]
