"""partyfacts: facts about party building from Vietnamese provincial news, in SQLite.

>>> from partyfacts import extract
>>> extract.facts("Năm 2019, toàn tỉnh kết nạp 1.154 đảng viên.").quantities[0]["value"]
1154
"""

__version__ = "0.1.0"
