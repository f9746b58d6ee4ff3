"""Follow-up lists: talent pools with stages and cadences, and the Today view of what is due."""
