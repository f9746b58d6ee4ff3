"""The page a recruiter lands on: their events and the next thing to do."""
