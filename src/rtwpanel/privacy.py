"""The privacy rule every published table and figure follows."""

# A published cell resting on fewer persons than this is hidden (suppression.py).
SMALL_CELL_THRESHOLD = 5
