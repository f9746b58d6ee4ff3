"""What marks a vCard as one NetCompanion wrote, for the import to recognise its own cards.

vCard requires FN, so a contact without a name is exported with another detail as its FN
(its email, else its phone, company, LinkedIn or website address, else "Unnamed contact"),
and that FN carries the parameter ``FN_PLACEHOLDER`` whose value names the property the text
comes from, with an empty N::

    FN;X-NETCOMPANION-PLACEHOLDER=EMAIL:zoe@example.org
    N:;;;;

A parameter rather than a property of its own, so the mark travels with the value: an address
book that lets someone type a real name over it rewrites the FN line, and the mark goes with
the old text instead of staying behind to label the new name. An import that finds the
parameter on FN keeps the contact's name empty (and may check that FN equals the named
property's value, in case a program kept the parameter while changing the text).
"""

from __future__ import annotations

PRODID = "-//NetCompanion//Contact export//EN"

#: Parameter on FN when FN is not a name: the contact has none.
FN_PLACEHOLDER = "X-NETCOMPANION-PLACEHOLDER"
#: Values of ``FN_PLACEHOLDER``: the property FN's text comes from, "NONE" for the wording
#: "Unnamed contact" (a contact with no detail that could stand in).
FN_PLACEHOLDER_SOURCES = frozenset({"EMAIL", "TEL", "ORG", "URL", "NONE"})
