"""What services import: capability rows, charter and policy reads, and the memory provider.

Everything here is built on the generated mirrors in `generated/`; nothing is copied by hand.
"""
